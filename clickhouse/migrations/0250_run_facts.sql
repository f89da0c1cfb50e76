-- Each run's derived fields kept as one row (issue 25: a metric over 12 months must not re-derive every
-- run from its spans). `metrics/run-facts.ts` writes them with the run set's own derivation
-- (`metrics/run-derive.ts`) and every metric reads the run set from here (`metrics/run-set.ts`).
--
-- run_facts: one row per run and derivation; the latest derivation (greatest derived_at) stands, and a
-- run that no longer has a record is a row with present = 0. Keyed by the run's identity only, so a
-- run resent with a start on another day replaces its row. It expires with the raw rows it came from.
-- Sorted by run id, its times are random: T64 keeps only their varying bits, and the end is kept as the
-- cycle in milliseconds (measured at 50M spans: 23.6 bytes a run with plain ZSTD times, 19.5 so).
-- A partition per tenant: a run's rows never span two, so FINAL merges within one tenant's parts and
-- skips a partition that is one part (at 50M spans a 12-month read went from 40 to 14 ms).
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
ORDER BY (tenant_id, workflow, phase, run_id)
TTL toDateTime(start_time) + INTERVAL 400 DAY DELETE WHERE phase != 'baseline';

-- run_facts_dirty: the runs a write touched, marked by the views below on every insert into the raw
-- tables, whichever path made it (OTLP, an import, the demo, a test). A deletion marks its runs itself
-- (ingest/baseline/import-identity.ts). Marks are read from the tenant's last settlement on; they expire
-- after 29 days, and a tenant not settled for 28 days is derived again whole.
CREATE TABLE IF NOT EXISTS run_facts_dirty
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    phase LowCardinality(String),
    run_id String CODEC(ZSTD(1)),
    day Date DEFAULT toDate(0) COMMENT 'the UTC day of the rows written: AI usage is kept by day',
    marked_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (tenant_id, marked_at)
TTL toDateTime(marked_at) + INTERVAL 29 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS run_facts_dirty_runs_mv TO run_facts_dirty AS
SELECT DISTINCT tenant_id, workflow, toString(phase) AS phase, run_id, toDate(start_time) AS day FROM runs;

CREATE MATERIALIZED VIEW IF NOT EXISTS run_facts_dirty_steps_mv TO run_facts_dirty AS
SELECT DISTINCT tenant_id, workflow, toString(phase) AS phase, run_id, toDate(start_time) AS day FROM steps;

-- run_facts_settled: through when a tenant's marks have been derived (the store's clock).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS run_facts_settled
(
    tenant_id String,
    through DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(through)
ORDER BY tenant_id;
