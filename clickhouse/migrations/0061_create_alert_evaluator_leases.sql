-- Heartbeats of alert evaluators (server mode may run several): the newest live holder evaluates,
-- the others stand by, so notifications are not sent twice by two processes.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS alert_evaluator_leases
(
    lease String COMMENT 'one lease for all tenants: "evaluator"',
    holder String,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (lease, at)
TTL toDateTime(at) + INTERVAL 1 DAY;
