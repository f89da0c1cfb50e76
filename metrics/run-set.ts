import { SCOPE_SQL } from "./scope";

/**
 * The runs of a side, each counted once (docs/metrics.md, "Run"). This is the one definition every
 * comparison, milestone and lock reads; nothing counts runs from rollups or from raw rows directly.
 *
 * - A run is (workflow, run_id) within the tenant and phase. However often and by whichever path it
 *   was delivered (a resent span, a retried request, the same log as CSV and as XES), it is one run,
 *   and its latest delivery (greatest `ingested_at`) gives its fields.
 * - A run is finished when its run span is stored; steps of a run whose span has not arrived (an
 *   in-flight run) count nowhere.
 * - A run belongs to the window of its start time's UTC day.
 *
 * Per run it also derives, from its own record and its steps:
 * - `exception`: 1 when the outcome is `exception` or any step was an intervention; 0 when the outcome
 *   says otherwise; NULL when the record cannot tell (outcome `unknown` and no intervention).
 * - `straight_through`: 1 when no person touched the run (no human step, no intervention, no human
 *   minutes); 0 when one did; NULL when a step's actor is unknown and no step shows a person.
 * - `human_minutes`: the run's own minutes plus its steps' (each step once); NULL when neither records
 *   any.
 * - `outcome`: the latest delivery's outcome, as stored (the runs explorer filters on it).
 *
 * Steps are read from the day before the first run in the window started through the day after the
 * last one ended (services' clocks differ a little). A step delivered twice counts once, with its latest delivery's
 * fields, like a run.
 *
 * `flags: false` reads no steps and leaves exception, straight_through and human_minutes NULL: for
 * cycle time and run counts, which the run's own record decides.
 *
 * Parameters (`runSetParams`): the scope (`SCOPE_SQL`), `{rs_phase:String}`, and the start-time window
 * `{rs_from:DateTime64(3)}` (inclusive) to `{rs_to:DateTime64(3)}` (exclusive) on UTC days.
 */
export function runSetSql(opts: { flags?: boolean } = {}): string {
  // Runs with a delivery that starts in the window; all their deliveries are then read, and the
  // latest decides whether the run still starts in the window.
  const IN_WINDOW = `SELECT workflow, run_id FROM runs
      WHERE ${SCOPE_SQL} AND phase = {rs_phase:String}
        AND toDate(start_time) >= toDate({rs_from:DateTime64(3)}) AND toDate(start_time) < toDate({rs_to:DateTime64(3)})`;
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
    WHERE ${SCOPE_SQL} AND phase = {rs_phase:String}
      AND (workflow, run_id) GLOBAL IN (${IN_WINDOW})
    GROUP BY workflow, run_id
    HAVING toDate(v_start) >= toDate({rs_from:DateTime64(3)}) AND toDate(v_start) < toDate({rs_to:DateTime64(3)})`;
  // Only steps that can change a flag or carry minutes are read: an AI or system step with no
  // minutes says nothing the run's own record does not. Every delivery of such a step is read, so its
  // latest delivery decides, even when that one no longer carries the flag.
  // From the runs as their latest deliveries have them, as the definition reads.
  const bounds = `SELECT greatest(toDate(min(v_start)), toDate(1)) - 1, toDate(max(v_end)) + 1 FROM (${runs})`;
  const range = `${SCOPE_SQL} AND phase = {rs_phase:String}
      AND toDate(start_time) BETWEEN (${bounds}).1 AND (${bounds}).2`;
  const steps = `
    SELECT workflow, run_id,
           max(v_intervention) AS intervened,
           anyIf(v_reason, v_intervention = 1 AND v_reason != '') AS intervention_reason,
           max(v_actor = 'human' OR v_intervention = 1 OR v_minutes > 0) AS touched,
           max(v_actor = 'unknown') AS actor_unknown,
           sum(v_minutes) AS step_minutes,
           max(v_minutes > 0) AS has_step_minutes
    FROM (
      SELECT workflow, run_id, span_id,
             argMax(intervention, ingested_at) AS v_intervention,
             argMax(intervention_reason, ingested_at) AS v_reason,
             argMax(actor, ingested_at) AS v_actor,
             argMax(human_minutes, ingested_at) AS v_minutes
      FROM steps
      WHERE ${range}
        AND (run_id, span_id) GLOBAL IN (SELECT run_id, span_id FROM steps WHERE ${range}
                                         AND (intervention = 1 OR actor IN ('human', 'unknown') OR human_minutes > 0))
      GROUP BY workflow, run_id, span_id
    )
    GROUP BY workflow, run_id`;
  if (opts.flags === false) {
    // Cycle time needs only the run's own record: no steps are read, and the flags are NULL.
    return `
    SELECT workflow, run_id, v_start AS start_time, v_end AS end_time,
           toFloat64(dateDiff('millisecond', v_start, v_end)) / 1000 AS cycle_seconds, '' AS reason,
           CAST(NULL AS Nullable(UInt8)) AS exception, CAST(NULL AS Nullable(UInt8)) AS straight_through,
           CAST(NULL AS Nullable(Float64)) AS human_minutes, v_import AS import_id, toString(v_outcome) AS outcome
    FROM (${runs})`;
  }
  return `
    SELECT r.workflow AS workflow, r.run_id AS run_id, r.v_start AS start_time, r.v_end AS end_time,
           toFloat64(dateDiff('millisecond', r.v_start, r.v_end)) / 1000 AS cycle_seconds,
           if(r.v_outcome = 'exception', r.v_reason, if(s.intervened = 1, s.intervention_reason, '')) AS reason,
           CAST(multiIf(r.v_outcome = 'exception' OR s.intervened = 1, 1, r.v_outcome = 'unknown', NULL, 0) AS Nullable(UInt8)) AS exception,
           CAST(multiIf(s.touched = 1 OR ifNull(r.v_minutes, 0) > 0, 0, s.actor_unknown = 1, NULL, 1) AS Nullable(UInt8)) AS straight_through,
           if(r.v_minutes IS NULL AND s.has_step_minutes = 0, NULL, ifNull(r.v_minutes, 0) + s.step_minutes) AS human_minutes,
           r.v_import AS import_id, toString(r.v_outcome) AS outcome
    FROM (${runs}) AS r
    GLOBAL LEFT JOIN (${steps}) AS s ON s.workflow = r.workflow AND s.run_id = r.run_id`;
}

/**
 * A run's phase as stored. `manual` runs (still done by hand after go-live, issue 27) are read only by
 * the pilot-trap detector and the run pages: every metric names the phase it reads, so they count in none.
 */
export type RunPhase = "baseline" | "live" | "manual";

/** The window parameters of `runSetSql` for one phase. */
export function runSetParams(phase: RunPhase, from: Date, to: Date) {
  return { rs_phase: phase, rs_from: from, rs_to: to };
}
