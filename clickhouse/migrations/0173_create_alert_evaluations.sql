-- The outcome of each rule's latest evaluation (issue 25), so the rules table can say why a rule is
-- quiet: "not evaluating: insufficient data" is not the same as "ok". Only the newest row per rule
-- matters; ReplacingMergeTree keeps that one after merges, and readers take argMax regardless.

-- cluster: replicated
CREATE TABLE IF NOT EXISTS alert_evaluations
(
    tenant_id String,
    rule_id String,
    evaluated_at DateTime64(3, 'UTC'),
    status Enum8('ok' = 1, 'firing' = 2, 'insufficient_data' = 3, 'error' = 4),
    reason String DEFAULT '' COMMENT 'why the data was insufficient, or the error',
    evaluator String DEFAULT ''
)
ENGINE = ReplacingMergeTree(evaluated_at)
ORDER BY (tenant_id, rule_id);
