-- Firm-level targets of the business outcomes (issue 26): the change against the same months of the
-- baseline year that each lagging checkpoint must reach (docs/metrics.md, "Lagging checkpoints").
-- One current row per tenant and outcome: the newest updated_at wins (readers take argMax; merges keep
-- only that one), `removed` = 1 deletes the target. Every change is also in the audit log with who set it.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS business_targets
(
    tenant_id String,
    outcome LowCardinality(String) COMMENT 'a key of metrics/business-outcome-defs.ts',
    kind Enum8('relative' = 1, 'absolute' = 2) COMMENT 'relative: a fraction of the baseline value; absolute: in the unit of the outcome',
    target Float64 COMMENT 'the signed change to reach, e.g. 0.05 (+5%) or -0.01 (-1 percentage point)',
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, outcome);
