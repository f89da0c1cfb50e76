-- Provenance of every monthly business-figures import (issue 26): which file (by checksum), who, when,
-- what it held and what was skipped. A re-import of the same file is recognised by its checksum; its
-- figures replace themselves in business_points (same identity), so nothing is counted twice.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS business_imports
(
    tenant_id String,
    import_id String,
    checksum String,
    file_name String,
    figures UInt64,
    skipped UInt64,
    summary String DEFAULT '{}' COMMENT 'JSON: months, measures, missing months, skipped reasons with line numbers',
    imported_by String DEFAULT '',
    imported_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, imported_at, import_id);
