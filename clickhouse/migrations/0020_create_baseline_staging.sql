-- Staging for baseline imports (issue 4): parsed events land here first, keyed by import, and runs and
-- steps are built from them inside the engine (GROUP BY case), so an import needs no memory per open
-- case in Node and a file that fails midway never reaches runs/steps. Rows are deleted after publishing;
-- the TTL sweeps rows an interrupted process left behind.

CREATE TABLE IF NOT EXISTS baseline_staging
(
    tenant_id LowCardinality(String),
    import_id String,
    case_id String,
    activity String DEFAULT '',
    time DateTime64(3, 'UTC'),
    end_time Nullable(DateTime64(3, 'UTC')) COMMENT 'case lists: the case end; events: null',
    lifecycle Enum8('complete' = 1, 'start' = 2, 'other' = 3, 'case' = 4),
    resource String DEFAULT '',
    role String DEFAULT '',
    actor Enum8('unknown' = 0, 'ai' = 1, 'human' = 2, 'system' = 3) DEFAULT 'unknown',
    human_minutes Nullable(Float64),
    outcome LowCardinality(String) DEFAULT '',
    line UInt64,
    staged_at DateTime DEFAULT now()
)
ENGINE = MergeTree
ORDER BY (tenant_id, import_id, case_id, time, line)
TTL staged_at + INTERVAL 2 DAY;
