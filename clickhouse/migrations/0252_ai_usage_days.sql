-- AI token usage kept by day (issue 25): what metrics/ai-usage.ts reads for AI cost, one row per
-- workflow, UTC day and model, over the live AI steps, each step once at its latest delivery and on
-- the day that delivery gives it. Written with the run facts (metrics/ai-usage-days.ts) for the days
-- the marked runs' rows fall on; the latest derivation of a day stands, and a model no longer used on
-- it is a row of zeros. It expires with the steps it counts.
CREATE TABLE IF NOT EXISTS ai_usage_days
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    day Date,
    model LowCardinality(String),
    input_tokens UInt64 CODEC(T64, ZSTD(1)),
    output_tokens UInt64 CODEC(T64, ZSTD(1)),
    derived_at DateTime64(6, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(derived_at)
PARTITION BY tenant_id
ORDER BY (tenant_id, workflow, day, model)
TTL day + INTERVAL 400 DAY;
