-- The control workflows a workflow is compared with (issue 27, docs/metrics.md "Control comparisons"):
-- comparable work that was not automated, or the same work in an office not yet live. Append-only
-- like `workflows`: the newest `updated_at` per workflow is the current list, and an empty list
-- removes the link. Kept apart from `workflows` so the writers that copy a settings version
-- (go-live, costs) need not know about it.
-- cluster: replicated
CREATE TABLE IF NOT EXISTS workflow_controls
(
    tenant_id String,
    workflow String,
    controls Array(String),
    updated_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, workflow);
