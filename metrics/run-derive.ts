/**
 * How a run's fields are derived from its spans (docs/metrics.md, "Run"). This is the one place the
 * rules are written; `run-facts.ts` keeps each run's result in `run_facts`, which the run set
 * (`run-set.ts`) and so every metric reads.
 *
 * - A run is (workflow, run_id) within the tenant and phase. However often and by whichever path it
 *   was delivered (a resent span, a retried request, the same log as CSV and as XES), it is one run,
 *   and its latest delivery (greatest `ingested_at`) gives its fields.
 * - A run is finished when its run span is stored; steps of a run whose span has not arrived (an
 *   in-flight run) count nowhere: such a run derives to no row (`present = 0`).
 * - Its steps are those stamped from the day before it started through the day after it ended, as its
 *   latest delivery has it (services' clocks differ a little). A step delivered twice counts once, with
 *   its latest delivery's fields, like a run.
 *
 * Per run it derives, from its own record and its steps:
 * - `exception`: 1 when the outcome is `exception` or any step was an intervention; 0 when the outcome
 *   says otherwise; NULL when the record cannot tell (outcome `unknown` and no intervention).
 * - `straight_through`: 1 when no person touched the run (no human step, no intervention, no human
 *   minutes); 0 when one did; NULL when a step's actor is unknown and no step shows a person.
 * - `human_minutes`: the run's own minutes plus its steps' (each step once); NULL when neither records
 *   any.
 * - `reason`: the outcome's exception reason, else the first intervention's.
 * - `outcome`: the latest delivery's outcome, as stored (the runs explorer filters on it).
 * - `reworked`: a step name on two of its spans (a repeat; one span delivered twice is not), or a step
 *   whose review corrected or rejected the AI output (docs/metrics.md, "Rework").
 * - `duplicated`: a step name done both by AI and by a person (the pilot-trap detector's sign).
 * - `cycle_ms`: end minus start, in milliseconds.
 *
 * `keys` is a query giving the (workflow, run_id) pairs to derive, of phase `{rd_phase:String}` in
 * tenant `{tenant:String}`; every pair comes out once, with `present` 0 when it has no run record.
 */
export function deriveRunsSql(keys: string): string {
  const runs = `
    SELECT workflow, run_id,
           argMax(start_time, ingested_at) AS v_start,
           argMax(end_time, ingested_at) AS v_end,
           argMax(outcome, ingested_at) AS v_outcome,
           argMax(exception_reason, ingested_at) AS v_reason,
           -- In a tuple: argMax skips NULLs, and a latest delivery saying "no minutes" must win.
           argMax(tuple(human_minutes), ingested_at).1 AS v_minutes,
           argMax(import_id, ingested_at) AS v_import
    FROM runs
    WHERE tenant_id = {tenant:String} AND phase = {rd_phase:String} AND (workflow, run_id) GLOBAL IN (${keys})
    GROUP BY workflow, run_id`;
  // The steps of the keys' runs within the widest bounds any of them has, to read by the steps' day
  // index; each step's own run then bounds it below.
  const bounds = `SELECT greatest(toDate(min(v_start)), toDate(1)) - 1, toDate(max(v_end)) + 1 FROM (${runs})`;
  const range = `tenant_id = {tenant:String} AND phase = {rd_phase:String}
      AND toDate(start_time) BETWEEN (${bounds}).1 AND (${bounds}).2
      AND run_id GLOBAL IN (SELECT run_id FROM (${keys}))`;
  // Each step once (its latest delivery), within its run's bounds; then per step name (for repeats
  // and for a step done both by AI and by a person), then per run.
  const steps = `
    SELECT workflow, run_id,
           max(intervened) AS intervened,
           anyIf(intervention_reason, intervention_reason != '') AS intervention_reason,
           max(touched) AS touched,
           max(actor_unknown) AS actor_unknown,
           sum(step_minutes) AS step_minutes,
           max(has_step_minutes) AS has_step_minutes,
           max(spans > 1 OR corrected) AS reworked,
           max(ai > 0 AND human > 0) AS duplicated
    FROM (
      SELECT sp.workflow AS workflow, sp.run_id AS run_id, sp.v_step AS step,
             max(v_intervention) AS intervened,
             anyIf(v_reason, v_intervention = 1 AND v_reason != '') AS intervention_reason,
             max(v_actor = 'human' OR v_intervention = 1 OR v_minutes > 0) AS touched,
             max(v_actor = 'unknown') AS actor_unknown,
             sum(v_minutes) AS step_minutes,
             max(v_minutes > 0) AS has_step_minutes,
             count() AS spans,
             max(v_review IN ('corrected', 'rejected')) AS corrected,
             countIf(v_actor = 'ai') AS ai,
             countIf(v_actor = 'human') AS human
      FROM (
        SELECT workflow, run_id, span_id,
               argMax(toDate(start_time), ingested_at) AS v_day,
               argMax(step, ingested_at) AS v_step,
               argMax(intervention, ingested_at) AS v_intervention,
               argMax(intervention_reason, ingested_at) AS v_reason,
               argMax(actor, ingested_at) AS v_actor,
               argMax(human_minutes, ingested_at) AS v_minutes,
               argMax(review_outcome, ingested_at) AS v_review
        FROM steps
        WHERE ${range}
        GROUP BY workflow, run_id, span_id
      ) AS sp
      GLOBAL INNER JOIN (${runs}) AS rb ON rb.workflow = sp.workflow AND rb.run_id = sp.run_id
      WHERE sp.v_day BETWEEN toDate(rb.v_start) - 1 AND toDate(rb.v_end) + 1
      GROUP BY sp.workflow, sp.run_id, sp.v_step
    )
    GROUP BY workflow, run_id`;
  return `
    SELECT k.workflow AS workflow, k.run_id AS run_id,
           -- A run with no record is stamped now, so that its row outlives (under the retention) the one it replaces.
           if(r.run_id = '', now64(3), r.v_start) AS start_time, dateDiff('millisecond', r.v_start, r.v_end) AS cycle_ms,
           if(r.v_outcome = 'exception', r.v_reason, if(s.intervened = 1, s.intervention_reason, '')) AS reason,
           CAST(multiIf(r.v_outcome = 'exception' OR s.intervened = 1, 1, r.v_outcome = 'unknown', NULL, 0) AS Nullable(UInt8)) AS exception,
           CAST(multiIf(s.touched = 1 OR ifNull(r.v_minutes, 0) > 0, 0, s.actor_unknown = 1, NULL, 1) AS Nullable(UInt8)) AS straight_through,
           if(r.v_minutes IS NULL AND s.has_step_minutes = 0, NULL, ifNull(r.v_minutes, 0) + s.step_minutes) AS human_minutes,
           r.v_import AS import_id, toString(r.v_outcome) AS outcome, s.reworked = 1 AS reworked, s.duplicated = 1 AS duplicated,
           r.run_id != '' AS present
    FROM (SELECT DISTINCT workflow, run_id FROM (${keys})) AS k
    GLOBAL LEFT JOIN (${runs}) AS r ON r.workflow = k.workflow AND r.run_id = k.run_id
    GLOBAL LEFT JOIN (${steps}) AS s ON s.workflow = k.workflow AND s.run_id = k.run_id`;
}
