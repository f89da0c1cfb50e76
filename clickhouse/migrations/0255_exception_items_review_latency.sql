-- Exception items kept (issue 25: compliance, the queue and the alerts read every live run and every
-- intervention step of their window to find the few that need a person). One row per live run that is
-- an exception item (metrics/exception-items.ts): when it was opened and why. Written in the run facts'
-- settlement for the runs the marks name; the latest derivation stands, and a run that is no longer an
-- item gets a row with present = 0. It expires with the runs it comes from.
CREATE TABLE IF NOT EXISTS exception_items
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    run_id String CODEC(ZSTD(1)),
    opened_at DateTime64(3, 'UTC') CODEC(T64, ZSTD(1)),
    reason LowCardinality(String),
    present UInt8,
    derived_at DateTime64(6, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(derived_at)
PARTITION BY tenant_id
ORDER BY (tenant_id, workflow, run_id)
TTL toDateTime(opened_at) + INTERVAL 400 DAY;

-- Review latency kept by day (issue 25: compliance's review SLA read every review of its window and
-- every AI output of the month before it). One row per phase, workflow, UTC day and latency in whole
-- minutes rounded up: the review steps of that day, each once at its latest delivery
-- (metrics/review-latency.ts). Recounted with the step figures by day (0253), and like them a key a day
-- no longer has is a row of zeros. It expires with the steps it counts.
CREATE TABLE IF NOT EXISTS review_latency_days
(
    tenant_id LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2, 'manual' = 3),
    workflow LowCardinality(String),
    day Date,
    minutes Int32 CODEC(T64, ZSTD(1)),
    reviews UInt32 CODEC(T64, ZSTD(1)),
    derived_at DateTime64(6, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(derived_at)
PARTITION BY tenant_id
ORDER BY (tenant_id, phase, workflow, day, minutes)
TTL day + INTERVAL 400 DAY DELETE WHERE phase != 'baseline';

-- What each settlement kept beyond the run facts and step figures (metrics/run-facts.ts, DERIVES): a
-- tenant last settled with less gets these two tables derived whole at its next settlement, without
-- deriving its run facts again. Rows written before this column read 0.
ALTER TABLE run_facts_settled ADD COLUMN IF NOT EXISTS derives UInt16 DEFAULT 0;
