-- Step figures kept by day (issue 25: compliance, the pilot trap's reviews, the progress chart's change
-- markers and AI cost must not read every step of a year). One row per phase, workflow, UTC day and the
-- step fields those figures group by, counting the steps of that day (and their tokens) each once at its latest delivery
-- and on the day that delivery gives it (metrics/step-days.ts). Written in the run facts' settlement
-- for the days the marks name; the latest derivation of a row stands, and a key a day no longer has is
-- a row of zeros. It expires with the steps it counts.
-- `model` is the response model, else the requested one; `classification` and `model` are kept for AI
-- steps only, so a person's steps fold into few rows.
CREATE TABLE IF NOT EXISTS step_days
(
    tenant_id LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2, 'manual' = 3),
    workflow LowCardinality(String),
    day Date,
    ai UInt8,
    model LowCardinality(String),
    classification LowCardinality(String),
    prompt_version LowCardinality(String),
    model_version LowCardinality(String),
    steps UInt32 CODEC(T64, ZSTD(1)),
    review_required UInt32 CODEC(T64, ZSTD(1)),
    reviews UInt32 CODEC(T64, ZSTD(1)),
    corrected UInt32 CODEC(T64, ZSTD(1)),
    input_tokens UInt64 CODEC(T64, ZSTD(1)),
    output_tokens UInt64 CODEC(T64, ZSTD(1)),
    derived_at DateTime64(6, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(derived_at)
PARTITION BY tenant_id
ORDER BY (tenant_id, phase, workflow, day, ai, model, classification, prompt_version, model_version)
TTL day + INTERVAL 400 DAY DELETE WHERE phase != 'baseline';


-- AI usage by day (0252) is these rows' tokens now: AI steps of the live phase, by model.
DROP TABLE IF EXISTS ai_usage_days;
