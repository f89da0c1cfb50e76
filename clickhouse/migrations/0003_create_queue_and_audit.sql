-- The exception queue's actions and the audit log are append-only: never updated in place (DESIGN.md §3-§4).

CREATE TABLE IF NOT EXISTS exception_actions
(
    tenant_id LowCardinality(String),
    workflow LowCardinality(String),
    run_id String,
    action_id String,
    action Enum8('acknowledge' = 1, 'assign' = 2, 'resolve' = 3, 'reopen' = 4, 'comment' = 5),
    actor_id String,
    actor_email String DEFAULT '',
    assignee String DEFAULT '',
    note String DEFAULT '',
    at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant_id, run_id, at, action_id);

-- Retention at least as long as the data it describes: rollups live 5 years, the audit log 7.
CREATE TABLE IF NOT EXISTS audit_log
(
    tenant_id LowCardinality(String) COMMENT 'empty for events outside any tenant (sign-in)',
    at DateTime64(3, 'UTC') DEFAULT now64(3),
    event_id String,
    actor_id String DEFAULT '',
    actor_email String DEFAULT '',
    kind Enum8('read' = 1, 'change' = 2, 'auth' = 3, 'system' = 4),
    action String COMMENT 'procedure or command, e.g. overview.summary',
    input_summary String DEFAULT '',
    result Enum8('ok' = 1, 'denied' = 2, 'error' = 3),
    detail String DEFAULT '',
    ip String DEFAULT ''
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant_id, at, event_id)
TTL toDateTime(at) + INTERVAL 2557 DAY;
