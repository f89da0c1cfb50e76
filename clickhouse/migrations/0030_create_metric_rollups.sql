-- Rollups for the metrics engine (issue 5), beside runs_daily/steps_daily from 0004.
-- A run is an exception when its run span says so OR any of its steps records an intervention, and the
-- two arrive as separate spans. Both views feed the same uniqExact state of run ids per day and reason,
-- so merging the states at query time is a set union: a run flagged by both spans counts once, without
-- ever grouping raw spans by run (DESIGN.md §5). The day is the span's own start day.

CREATE TABLE IF NOT EXISTS run_flags_daily
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2),
    day Date,
    reason LowCardinality(String),
    exception_runs AggregateFunction(uniqExact, String),
    human_runs AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, workflow, phase, day, reason)
TTL day + INTERVAL 1830 DAY DELETE WHERE phase = 'live';

CREATE MATERIALIZED VIEW IF NOT EXISTS run_flags_daily_runs_mv TO run_flags_daily AS
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    exception_reason AS reason,
    uniqExactState(run_id) AS exception_runs,
    uniqExactStateIf(run_id, 0) AS human_runs
FROM runs
WHERE outcome = 'exception'
GROUP BY tenant_id, workflow, phase, day, reason;

CREATE MATERIALIZED VIEW IF NOT EXISTS run_flags_daily_steps_mv TO run_flags_daily AS
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    if(intervention = 1, intervention_reason, '') AS reason,
    uniqExactStateIf(run_id, intervention = 1) AS exception_runs,
    uniqExactStateIf(run_id, actor = 'human' OR intervention = 1 OR human_minutes > 0) AS human_runs
FROM steps
WHERE intervention = 1 OR actor = 'human' OR human_minutes > 0
GROUP BY tenant_id, workflow, phase, day, reason;

-- AI steps per data classification and model, for policy violations (DESIGN.md §3.5) without a raw scan.
CREATE TABLE IF NOT EXISTS ai_usage_daily
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2),
    day Date,
    data_classification LowCardinality(String),
    model LowCardinality(String),
    steps SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, workflow, phase, day, data_classification, model)
TTL day + INTERVAL 1830 DAY DELETE WHERE phase = 'live';

CREATE MATERIALIZED VIEW IF NOT EXISTS ai_usage_daily_mv TO ai_usage_daily AS
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    data_classification,
    if(response_model != '', response_model, request_model) AS model,
    toUInt64(count()) AS steps
FROM steps
WHERE actor = 'ai'
GROUP BY tenant_id, workflow, phase, day, data_classification, model;

-- A retried block (same insert_deduplication_token) is dropped from the raw table, but the views still
-- push it to their targets, which deduplicate only when they keep a deduplication window themselves.
ALTER TABLE runs_daily MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE steps_daily MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE run_flags_daily MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE ai_usage_daily MODIFY SETTING non_replicated_deduplication_window = 10000;
