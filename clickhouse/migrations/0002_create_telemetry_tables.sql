-- Telemetry: what the collectors write (DESIGN.md §2). Tenant first in every key; monthly partitions.
-- Tables are ReplacingMergeTree keyed by the span's identity, so a span delivered twice collapses,
-- and block-level insert deduplication (insert_deduplication_token) drops retried inserts before
-- they reach the rollups (DESIGN.md §5).
-- Live rows expire after 400 days (a 12-month milestone needs a year plus its trailing window);
-- baseline rows do not expire: they are what the locked baseline is evidence of.

CREATE TABLE IF NOT EXISTS runs
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    run_id String,
    trace_id String DEFAULT '',
    span_id String DEFAULT '',
    phase Enum8('baseline' = 1, 'live' = 2),
    start_time DateTime64(3, 'UTC'),
    end_time DateTime64(3, 'UTC'),
    outcome Enum8('completed' = 1, 'exception' = 2, 'failed' = 3, 'cancelled' = 4),
    exception_reason LowCardinality(String) DEFAULT '',
    subject_hash String DEFAULT '',
    human_minutes Nullable(Float64),
    origin LowCardinality(String) DEFAULT 'otlp' COMMENT 'otlp, import, demo',
    import_id String DEFAULT '',
    attributes Map(LowCardinality(String), String) DEFAULT map(),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant_id, workflow, phase, toDate(start_time), run_id)
TTL toDateTime(start_time) + INTERVAL 400 DAY DELETE WHERE phase = 'live'
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS steps
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String) DEFAULT '',
    run_id String,
    trace_id String DEFAULT '',
    span_id String,
    parent_span_id String DEFAULT '',
    step LowCardinality(String),
    actor Enum8('unknown' = 0, 'ai' = 1, 'human' = 2, 'system' = 3),
    phase Enum8('baseline' = 1, 'live' = 2),
    start_time DateTime64(3, 'UTC'),
    end_time DateTime64(3, 'UTC'),
    status Enum8('unset' = 0, 'ok' = 1, 'error' = 2) DEFAULT 'unset',
    human_minutes Float64 DEFAULT 0,
    intervention UInt8 DEFAULT 0,
    intervention_reason LowCardinality(String) DEFAULT '',
    data_classification LowCardinality(String) DEFAULT '',
    resource String DEFAULT '' COMMENT 'imported logs: the resource (person or system) that did the step',
    gen_ai_provider LowCardinality(String) DEFAULT '',
    request_model LowCardinality(String) DEFAULT '',
    response_model LowCardinality(String) DEFAULT '',
    model_version LowCardinality(String) DEFAULT '',
    prompt_version LowCardinality(String) DEFAULT '',
    input_tokens UInt32 DEFAULT 0,
    output_tokens UInt32 DEFAULT 0,
    output_id String DEFAULT '',
    confidence Nullable(Float32),
    review_required UInt8 DEFAULT 0,
    review_outcome LowCardinality(String) DEFAULT '' COMMENT 'approved, corrected, rejected',
    review_output_id String DEFAULT '',
    origin LowCardinality(String) DEFAULT 'otlp',
    import_id String DEFAULT '',
    attributes Map(LowCardinality(String), String) DEFAULT map(),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant_id, toDate(start_time), run_id, span_id)
TTL toDateTime(start_time) + INTERVAL 400 DAY DELETE WHERE phase = 'live'
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS source_syncs
(
    tenant_id LowCardinality(String),
    source LowCardinality(String),
    trace_id String DEFAULT '',
    span_id String,
    start_time DateTime64(3, 'UTC'),
    end_time DateTime64(3, 'UTC'),
    status Enum8('unset' = 0, 'ok' = 1, 'error' = 2) DEFAULT 'unset',
    watermark Nullable(DateTime64(3, 'UTC')) COMMENT 'time of the freshest record pulled',
    records UInt64 DEFAULT 0,
    invalid UInt64 DEFAULT 0,
    origin LowCardinality(String) DEFAULT 'otlp',
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (tenant_id, source, start_time, span_id)
TTL toDateTime(start_time) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS data_access_events
(
    tenant_id LowCardinality(String),
    event_id String COMMENT 'hash of the log record, for replacement of duplicates',
    time DateTime64(3, 'UTC'),
    source LowCardinality(String) DEFAULT '',
    workflow LowCardinality(String) DEFAULT '',
    user_role LowCardinality(String) DEFAULT '',
    data_classification LowCardinality(String) DEFAULT '',
    decision Enum8('allow' = 1, 'deny' = 2),
    trace_id String DEFAULT '',
    span_id String DEFAULT '',
    origin LowCardinality(String) DEFAULT 'otlp',
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(time)
ORDER BY (tenant_id, toDate(time), event_id)
TTL toDateTime(time) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Accepted/rejected spans per day and channel, for the ingest-completeness metric (DESIGN.md §3.7).
CREATE TABLE IF NOT EXISTS ingest_stats
(
    tenant_id LowCardinality(String),
    day Date,
    channel LowCardinality(String) COMMENT 'otlp-traces, otlp-logs, import, demo',
    source LowCardinality(String) DEFAULT '' COMMENT 'service.name or file name',
    reason LowCardinality(String) DEFAULT '' COMMENT 'empty for accepted',
    accepted UInt64,
    rejected UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (tenant_id, day, channel, source, reason)
TTL day + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000;
