-- Scorecards computed ahead (issue 25): a metric's result for a tenant and one set of inputs, stored
-- with the time it was computed, so a page reads it instead of waiting for the computation (seconds
-- for milestones on a year of data). Derived data: every row can be computed again from the raw
-- tables, and a newer computation of the same inputs replaces the older one.
-- `fingerprint` names the tenant's settings, locks and imports the result was computed from; a row
-- whose fingerprint is no longer the tenant's is never served (server/scorecards/).

-- cluster: replicated
CREATE TABLE IF NOT EXISTS scorecards
(
    tenant_id String,
    metric LowCardinality(String),
    inputs String COMMENT 'JSON: the metric input apart from the tenant (window, workflow, barrier, grain)',
    fingerprint String,
    result String COMMENT 'JSON: the metric result',
    compute_ms UInt32 DEFAULT 0,
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY (tenant_id, metric, inputs)
TTL toDateTime(computed_at) + INTERVAL 30 DAY;
