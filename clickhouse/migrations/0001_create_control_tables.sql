-- Control tables: tenants, people, access and configuration. Small and mostly read by key.
-- Configuration is append-only (a new row per change, newest wins) so every version stays readable
-- and auditable (DESIGN.md §2 "admin-set, audited, versioned").

-- cluster: replicated
CREATE TABLE IF NOT EXISTS tenants
(
    tenant_id String,
    slug String,
    name String,
    settings String DEFAULT '{}' COMMENT 'JSON: allowed extra attributes, currency, locale',
    deleted UInt8 DEFAULT 0,
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY tenant_id;

-- Users are global (one person may belong to several tenants); memberships carry tenant and role.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS users
(
    user_id String,
    email String,
    name String,
    password_hash String DEFAULT '' COMMENT 'scrypt$N$r$p$salt$hash, empty for OIDC-only users',
    disabled UInt8 DEFAULT 0,
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY user_id;

-- cluster: replicated
CREATE TABLE IF NOT EXISTS memberships
(
    tenant_id String,
    user_id String,
    role Enum8('admin' = 1, 'executive' = 2, 'ops' = 3, 'engineer' = 4),
    groups Array(String) DEFAULT [] COMMENT 'workflow groups; empty = all workflows',
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, user_id);

-- cluster: replicated
CREATE TABLE IF NOT EXISTS workflow_groups
(
    tenant_id String,
    group_id String,
    name String,
    workflows Array(String),
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, group_id);

-- Ingest keys are stored hashed (SHA-256 of the secret); the secret is shown once at creation.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS ingest_keys
(
    tenant_id String,
    key_id String,
    name String,
    key_hash String,
    key_prefix String,
    created_by String DEFAULT '',
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    revoked_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, key_id);

-- cluster: replicated
CREATE TABLE IF NOT EXISTS ingest_key_usage
(
    tenant_id String,
    key_id String,
    last_used_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(last_used_at)
ORDER BY (tenant_id, key_id);

-- cluster: replicated
CREATE TABLE IF NOT EXISTS workflows
(
    tenant_id String,
    workflow String,
    display_name String DEFAULT '',
    description String DEFAULT '',
    go_live_date Nullable(Date),
    hourly_cost Float64 DEFAULT 0 COMMENT 'loaded hourly cost of the people doing the work',
    currency LowCardinality(String) DEFAULT 'USD',
    review_sla_minutes UInt32 DEFAULT 0,
    exception_sla_minutes UInt32 DEFAULT 0,
    targets String DEFAULT '{}' COMMENT 'JSON milestone targets, e.g. {"cycle_time_compression":0.3}',
    approved_models String DEFAULT '{}' COMMENT 'JSON: data classification -> approved model names',
    platform_cost_monthly Float64 DEFAULT 0,
    implementation_cost Float64 DEFAULT 0,
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, workflow, updated_at);

-- cluster: replicated
CREATE TABLE IF NOT EXISTS sources
(
    tenant_id String,
    source String,
    display_name String DEFAULT '',
    kind LowCardinality(String) DEFAULT '' COMMENT 'crm, ehr, pms, erp, ...',
    freshness_sla_minutes UInt32 DEFAULT 0,
    removed UInt8 DEFAULT 0,
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, source, updated_at);

-- Time studies for workflows with no data (DESIGN.md §2 declared baselines).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS declared_baselines
(
    tenant_id String,
    workflow String,
    declared_id String,
    minutes_per_run Float64,
    minutes_by_role String DEFAULT '{}' COMMENT 'JSON: role -> minutes per run',
    runs_per_month Float64,
    exception_share Float64,
    cycle_hours Nullable(Float64),
    method String,
    author String,
    study_date Date,
    notes String DEFAULT '',
    created_by String DEFAULT '',
    created_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, workflow, created_at);

-- The baseline frozen at go-live; later changes append a new version with a reason (DESIGN.md §3).
-- cluster: replicated
CREATE TABLE IF NOT EXISTS baseline_locks
(
    tenant_id String,
    workflow String,
    version UInt32,
    go_live_date Date,
    method Enum8('measured' = 1, 'declared' = 2),
    n UInt64,
    p50_hours Nullable(Float64),
    p90_hours Nullable(Float64),
    mean_hours Nullable(Float64),
    mean_human_minutes Nullable(Float64),
    exception_rate Nullable(Float64),
    window_from Nullable(DateTime64(3, 'UTC')),
    window_to Nullable(DateTime64(3, 'UTC')),
    provenance String DEFAULT '{}' COMMENT 'JSON: imports, time study, who, when',
    reason String DEFAULT '',
    locked_by String DEFAULT '',
    locked_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (tenant_id, workflow, version);

-- Provenance of every baseline import; keyed by file checksum so a re-import is recognised.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS baseline_imports
(
    tenant_id String,
    workflow String,
    checksum String,
    import_id String,
    file_name String,
    format LowCardinality(String),
    rows_read UInt64,
    rows_skipped UInt64,
    runs UInt64,
    events UInt64,
    period_from Nullable(DateTime64(3, 'UTC')),
    period_to Nullable(DateTime64(3, 'UTC')),
    mapping String DEFAULT '{}',
    skipped String DEFAULT '[]' COMMENT 'JSON: reasons with counts and first line numbers',
    imported_by String DEFAULT '',
    imported_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(imported_at)
ORDER BY (tenant_id, workflow, checksum);
