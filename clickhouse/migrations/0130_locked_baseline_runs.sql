-- The locked baseline as a set of runs (issue 22): a lock freezes which runs it stands on, so a later
-- import, a resent span or a retried request can no longer move a comparison that cites the lock.
-- One row per run of the lock version, written once when the version is locked and never changed; the
-- figures in baseline_locks are computed from exactly these rows (docs/metrics.md, "Locked baseline").
-- exception / straight_through are NULL where the run's record cannot tell (an imported log with no
-- outcome column, steps whose actor is unknown): unknown stays unknown.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS baseline_lock_runs
(
    tenant_id String,
    workflow String,
    version UInt32,
    run_id String,
    start_time DateTime64(3, 'UTC'),
    end_time DateTime64(3, 'UTC'),
    cycle_seconds Float64,
    exception Nullable(UInt8),
    straight_through Nullable(UInt8),
    human_minutes Nullable(Float64),
    import_id String DEFAULT ''
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant_id, workflow, version, run_id);

-- A run whose record does not say how it ended (an event log without an outcome column): its
-- exception status is unknown, not "completed". Appending an Enum value is a metadata-only change.
ALTER TABLE runs MODIFY COLUMN outcome Enum8('unknown' = 0, 'completed' = 1, 'exception' = 2, 'failed' = 3, 'cancelled' = 4);
