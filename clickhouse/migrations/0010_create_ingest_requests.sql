-- The ingest request ledger: one row per committed OTLP request, keyed by a hash of tenant, channel
-- and body. The batching writer checks it before inserting, so a retried request (same body) is
-- acknowledged without reaching runs/steps, and therefore the daily rollups, a second time. Retries
-- come within minutes (OTLP exporters) or hours (collector persistent queues): seven days is plenty.
CREATE TABLE IF NOT EXISTS ingest_requests
(
    tenant_id LowCardinality(String),
    request_key String,
    channel LowCardinality(String),
    rows UInt32,
    committed_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(committed_at)
PARTITION BY toDate(committed_at)
ORDER BY (tenant_id, request_key)
TTL toDateTime(committed_at) + INTERVAL 7 DAY
SETTINGS non_replicated_deduplication_window = 10000;
