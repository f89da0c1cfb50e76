-- Daily rollups the dashboards read, so no tile scans raw spans (DESIGN.md §5).
-- They are fed by materialized views on insert; deduplication of retried blocks reaches them through
-- deduplicate_blocks_in_dependent_materialized_views (set by the writer on every insert).
-- Baseline days never expire; live days are kept five years.

CREATE TABLE IF NOT EXISTS runs_daily
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2),
    day Date,
    runs SimpleAggregateFunction(sum, UInt64),
    exceptions SimpleAggregateFunction(sum, UInt64),
    failed SimpleAggregateFunction(sum, UInt64),
    cycle_seconds_sum SimpleAggregateFunction(sum, Float64),
    cycle_seconds_q AggregateFunction(quantiles(0.5, 0.9), Float64),
    human_minutes_sum SimpleAggregateFunction(sum, Float64),
    human_minutes_runs SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, workflow, phase, day)
TTL day + INTERVAL 1830 DAY DELETE WHERE phase = 'live';

CREATE MATERIALIZED VIEW IF NOT EXISTS runs_daily_mv TO runs_daily AS
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    toUInt64(count()) AS runs,
    toUInt64(countIf(outcome = 'exception')) AS exceptions,
    toUInt64(countIf(outcome = 'failed')) AS failed,
    sum(toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000) AS cycle_seconds_sum,
    quantilesState(0.5, 0.9)(toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000) AS cycle_seconds_q,
    sum(ifNull(human_minutes, 0)) AS human_minutes_sum,
    toUInt64(countIf(human_minutes IS NOT NULL)) AS human_minutes_runs
FROM runs
GROUP BY tenant_id, workflow, phase, day;

CREATE TABLE IF NOT EXISTS steps_daily
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2),
    day Date,
    step LowCardinality(String),
    actor Enum8('unknown' = 0, 'ai' = 1, 'human' = 2, 'system' = 3),
    model LowCardinality(String),
    steps SimpleAggregateFunction(sum, UInt64),
    interventions SimpleAggregateFunction(sum, UInt64),
    human_minutes_sum SimpleAggregateFunction(sum, Float64),
    duration_seconds_sum SimpleAggregateFunction(sum, Float64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    reviews_required SimpleAggregateFunction(sum, UInt64),
    reviews_done SimpleAggregateFunction(sum, UInt64),
    reviews_corrected SimpleAggregateFunction(sum, UInt64),
    ai_steps_documented SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, workflow, phase, day, step, actor, model)
TTL day + INTERVAL 1830 DAY DELETE WHERE phase = 'live';

CREATE MATERIALIZED VIEW IF NOT EXISTS steps_daily_mv TO steps_daily AS
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    step,
    actor,
    if(response_model != '', response_model, request_model) AS model,
    toUInt64(count()) AS steps,
    toUInt64(countIf(intervention = 1)) AS interventions,
    sum(human_minutes) AS human_minutes_sum,
    sum(toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000) AS duration_seconds_sum,
    toUInt64(sum(input_tokens)) AS input_tokens,
    toUInt64(sum(output_tokens)) AS output_tokens,
    toUInt64(countIf(review_required = 1)) AS reviews_required,
    toUInt64(countIf(review_outcome != '')) AS reviews_done,
    toUInt64(countIf(review_outcome IN ('corrected', 'rejected'))) AS reviews_corrected,
    toUInt64(countIf(actor = 'ai' AND model != '' AND model_version != '' AND prompt_version != '')) AS ai_steps_documented
FROM steps
GROUP BY tenant_id, workflow, phase, day, step, actor, model;
