-- Business figures (issue 26): OTLP sums and gauges with the business.* conventions, and rows of the
-- monthly import (docs/conventions.md, "Business metrics"). One row per data point as sent: a cumulative
-- sum keeps its running totals (a month's amount is computed from consecutive points, resets included:
-- metrics/business-months.ts), a delta sum or an import row its amount, a gauge its reading.
-- A point's identity is its series (the measure and its sorted dimensions), temporality, start and time:
-- the same point sent again (an exporter's retry, a re-imported file) replaces itself, so nothing is
-- stored twice; the latest delivery wins (ingested_at). No TTL: the baseline year is kept for comparison.
CREATE TABLE IF NOT EXISTS business_points
(
    tenant_id LowCardinality(String),
    measure LowCardinality(String),
    series String COMMENT 'the dimensions as sorted key=value lines; one series per distinct set',
    dimensions Map(LowCardinality(String), String),
    temporality Enum8('delta' = 1, 'cumulative' = 2, 'gauge' = 3),
    start_time DateTime64(3, 'UTC') COMMENT 'a sum point: the start of what it counts; a gauge: its time',
    time DateTime64(3, 'UTC'),
    value Float64,
    origin LowCardinality(String) DEFAULT 'otlp',
    import_id String DEFAULT '',
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYear(time)
ORDER BY (tenant_id, measure, series, temporality, start_time, time)
SETTINGS non_replicated_deduplication_window = 10000;
