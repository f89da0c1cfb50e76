-- The daily rollups counted every delivery of a span (issue 22): a span resent in another request, a
-- request retried after a partial failure or a log imported twice in other bytes was counted again,
-- so a rollup and `runs FINAL` disagreed and the numbers built on them moved. Since 0130 every metric
-- reads the run set (metrics/run-set.ts), which counts each run once, and nothing reads these tables.
-- A rollup that can disagree with the data it summarises, kept beside numbers that no longer use it,
-- only invites the next reader to trust it, and its views cost every insert a pass: they go.
-- Views first, so no insert feeds a table that is about to disappear.

DROP VIEW IF EXISTS runs_daily_mv;
DROP VIEW IF EXISTS runs_cycle_daily_mv;
DROP VIEW IF EXISTS steps_daily_mv;
DROP VIEW IF EXISTS run_flags_daily_runs_mv;
DROP VIEW IF EXISTS run_flags_daily_steps_mv;
DROP VIEW IF EXISTS ai_usage_daily_mv;

DROP TABLE IF EXISTS runs_daily;
DROP TABLE IF EXISTS runs_cycle_daily;
DROP TABLE IF EXISTS steps_daily;
DROP TABLE IF EXISTS run_flags_daily;
DROP TABLE IF EXISTS ai_usage_daily;
