-- runs_daily has carried cycle-time quantile states since 0004, but since 0080 every query reads them
-- from runs_cycle_daily (finer granules for the cycle-time tile). Every runs insert still built these
-- states and every merge of runs_daily rewrote them: work and bytes nobody read.
-- The view's query is swapped in one statement first (no insert misses runs_daily in between), then
-- the column goes. Counts, sums and human minutes are computed exactly as before.

ALTER TABLE runs_daily_mv MODIFY QUERY
SELECT
    tenant_id,
    workflow,
    phase,
    toDate(start_time) AS day,
    toUInt64(count()) AS runs,
    toUInt64(countIf(outcome = 'exception')) AS exceptions,
    toUInt64(countIf(outcome = 'failed')) AS failed,
    sum(toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000) AS cycle_seconds_sum,
    sum(ifNull(human_minutes, 0)) AS human_minutes_sum,
    toUInt64(countIf(human_minutes IS NOT NULL)) AS human_minutes_runs
FROM runs
GROUP BY tenant_id, workflow, phase, day;

ALTER TABLE runs_daily DROP COLUMN IF EXISTS cycle_seconds_q;
