import type { RunPhase } from "./run-set";
import { SCOPE_SQL } from "./scope";

/**
 * The steps of a phase in a window, each counted once (docs/metrics.md, "Run": a step is (workflow,
 * run_id, span_id)). However often a span was delivered, it is one step and its latest delivery
 * (greatest `ingested_at`) gives its fields, as `run-set.ts` does for runs. The lists of steps read it: a
 * run's steps, the runs list's step filters and the steps behind compliance's policy violations.
 *
 * A step belongs to the window of its latest delivery's UTC day, wherever its other deliveries fall, as
 * the step figures by day count it (step-days.ts): a list of steps has as many rows as the count beside
 * it. `columns` are plain step columns; each comes out under its own name. `model` is always included:
 * the response model, else the requested one.
 *
 * Parameters: the scope (`SCOPE_SQL`), `{ss_phase:String}`, `{ss_from:DateTime64(3)}` (inclusive) and
 * `{ss_to:DateTime64(3)}` (exclusive), both on UTC days. `where` narrows the raw rows read (e.g. to AI
 * steps); it must only test columns a redelivery cannot change, or the latest delivery could be skipped.
 */
export function stepSetSql(columns: string[], where = "1"): string {
  // Aggregates are named v_<column> inside: an alias equal to a column name would be resolved in WHERE.
  const picked = columns.map((c) => `, argMax(${c}, ingested_at) AS v_${c}`).join("");
  const renamed = columns.map((c) => `, v_${c} AS ${c}`).join("");
  const read = `${SCOPE_SQL} AND phase = {ss_phase:String} AND (${where})`;
  const inWindow = (day: string) => `${day} >= toDate({ss_from:DateTime64(3)}) AND ${day} < toDate({ss_to:DateTime64(3)})`;
  // The steps with a delivery in the window (their runs first: one column, pruned by the day key), then
  // every delivery of theirs wherever it falls, so that the latest one decides the step's day.
  const candidates = (cols: string) => `SELECT ${cols} FROM steps WHERE ${read} AND ${inWindow("toDate(start_time)")}`;
  return `
    SELECT workflow, run_id, span_id, v_day AS day, v_model AS model${renamed} FROM (
      SELECT workflow, run_id, span_id, argMax(toDate(start_time), ingested_at) AS v_day,
             argMax(if(response_model != '', response_model, request_model), ingested_at) AS v_model${picked}
      FROM steps
      WHERE ${read} AND run_id GLOBAL IN (${candidates("run_id")}) AND (run_id, span_id) GLOBAL IN (${candidates("run_id, span_id")})
      GROUP BY workflow, run_id, span_id
    )
    WHERE ${inWindow("v_day")}`;
}

export function stepSetParams(phase: RunPhase, from: Date, to: Date) {
  return { ss_phase: phase, ss_from: from, ss_to: to };
}
