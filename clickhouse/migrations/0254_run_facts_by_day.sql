-- Run facts sorted by the day a run started (issue 25): a metric over a 30-day window (each milestone
-- checkpoint, the runs list) read every run of its workflow, because the rows were sorted by run id.
-- Sorted by day, it reads the granules of its days. A run is still one row: a derivation that finds a
-- run on another day than its row (resent with a start on another day, or gone) leaves a row with
-- present = 0 at the old key (metrics/run-facts.ts), so FINAL sees the old day's row replaced.
-- The table is made anew and filled by the next settlement, which is whole: forgetting how far each
-- tenant was settled makes it so, for these rows and for the step figures by day (0253) alike.
DROP TABLE IF EXISTS run_facts SYNC;

CREATE TABLE IF NOT EXISTS run_facts
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase Enum8('baseline' = 1, 'live' = 2, 'manual' = 3),
    run_id String CODEC(ZSTD(1)),
    start_time DateTime64(3, 'UTC') CODEC(T64, ZSTD(1)),
    cycle_ms Int64 CODEC(T64, ZSTD(1)),
    reason LowCardinality(String),
    exception Nullable(UInt8),
    straight_through Nullable(UInt8),
    human_minutes Nullable(Float64) CODEC(ZSTD(3)),
    import_id String CODEC(ZSTD(1)),
    outcome LowCardinality(String),
    reworked UInt8,
    duplicated UInt8,
    present UInt8,
    derived_at DateTime64(6, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(derived_at)
PARTITION BY tenant_id
ORDER BY (tenant_id, workflow, phase, toDate(start_time), run_id)
TTL toDateTime(start_time) + INTERVAL 400 DAY DELETE WHERE phase != 'baseline';

DROP TABLE IF EXISTS run_facts_settled SYNC;

-- cluster: replicated
CREATE TABLE IF NOT EXISTS run_facts_settled
(
    tenant_id String,
    through DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(through)
ORDER BY tenant_id;
