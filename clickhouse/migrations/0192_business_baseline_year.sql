-- The baseline year of business outcomes, locked like a workflow baseline (issue 26): versioned, with
-- who, when and why, and its monthly figures frozen, so that a later import into those months moves no
-- comparison that cites the version (docs/metrics.md, "Business outcomes").
-- cluster: replicated
CREATE TABLE IF NOT EXISTS business_baseline_locks
(
    tenant_id String,
    version UInt32,
    from_month String,
    to_month String,
    method Enum8('before-go-live' = 1, 'declared' = 2),
    reason String DEFAULT '',
    locked_by String DEFAULT '',
    locked_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, version);

-- One row per measure, month and set of dimensions of a locked version, written once at the lock
-- (a retried lock first deletes what an interrupted attempt left of its version).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS business_baseline_months
(
    tenant_id String,
    version UInt32,
    measure LowCardinality(String),
    month String,
    dimensions Map(LowCardinality(String), String),
    value Float64
)
ENGINE = MergeTree
ORDER BY (tenant_id, version, measure, month);
