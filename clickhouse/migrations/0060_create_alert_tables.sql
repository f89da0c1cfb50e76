-- Alerts and digests (issue 8). Rules and subscriptions are configuration: append-only versions,
-- newest updated_at wins, so every change stays readable next to its audit entry.

-- cluster: replicated
CREATE TABLE IF NOT EXISTS alert_rules
(
    tenant_id String,
    rule_id String,
    name String,
    kind LowCardinality(String) COMMENT 'threshold, stale-source, exceptions-past-sla, milestone, ingest-rejects',
    spec String COMMENT 'JSON: the whole validated rule (window, interval, severity, recipients, cool-down)',
    enabled UInt8 DEFAULT 1,
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, rule_id, updated_at);

-- One row per state of an episode (open, then resolved). The episode id is derived from the rule,
-- the subject and the episode's sequence number, so two evaluators opening the same episode write the
-- same key and the rows collapse instead of counting twice.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS alert_episodes
(
    tenant_id String,
    rule_id String,
    subject String COMMENT 'what the rule fired about: firm, a workflow, a source, a milestone',
    episode_id String,
    seq UInt32,
    state Enum8('open' = 1, 'resolved' = 2),
    severity LowCardinality(String),
    opened_at DateTime64(3, 'UTC'),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    open_value Nullable(Float64),
    last_value Nullable(Float64),
    summary String DEFAULT '',
    resolve_reason String DEFAULT '',
    evaluator String DEFAULT '' COMMENT 'the process that wrote the row, for multi-evaluator diagnosis',
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, rule_id, subject, episode_id);

-- Every delivery attempt (webhook or e-mail), so a receiver that is down is visible.
CREATE TABLE IF NOT EXISTS alert_deliveries
(
    tenant_id LowCardinality(String),
    at DateTime64(3, 'UTC') DEFAULT now64(3),
    delivery_id String,
    attempt UInt16,
    rule_id String,
    episode_id String DEFAULT '',
    event LowCardinality(String) COMMENT 'fire, resolve, test, digest',
    channel LowCardinality(String) COMMENT 'webhook, email',
    target String COMMENT 'URL without query string, or e-mail address',
    status Enum8('sent' = 1, 'retrying' = 2, 'failed' = 3, 'dropped' = 4),
    http_status UInt16 DEFAULT 0,
    error String DEFAULT ''
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant_id, at, delivery_id, attempt)
TTL toDateTime(at) + INTERVAL 400 DAY;

-- The weekly executive digest is opt-in per user.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS digest_subscriptions
(
    tenant_id String,
    user_id String,
    email String,
    enabled UInt8,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, user_id, updated_at);
