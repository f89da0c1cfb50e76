import type { RunPhase } from "./run-set";
import { SCOPE_SQL } from "./scope";

/**
 * The steps of a phase in a window, each counted once (docs/metrics.md, "Run": a step is (workflow,
 * run_id, span_id)). However often a span was delivered, it is one step and its latest delivery
 * (greatest `ingested_at`) gives its fields, as `run-set.ts` does for runs. Metrics that count or sum
 * steps (AI cost, audit and review coverage, policy violations) read this instead of the daily rollups,
 * which add every delivery.
 *
 * A step belongs to the window of its start time's UTC day. `columns` are plain step columns; each
 * comes out under its own name. `model` is always included: the response model, else the requested one.
 *
 * Parameters: the scope (`SCOPE_SQL`), `{ss_phase:String}`, `{ss_from:DateTime64(3)}` (inclusive) and
 * `{ss_to:DateTime64(3)}` (exclusive), both on UTC days. `where` narrows the raw rows read (e.g. to AI
 * steps); it must only test columns a redelivery cannot change, or the latest delivery could be skipped.
 */
export function stepSetSql(columns: string[], where = "1"): string {
  // Aggregates are named v_<column> inside: an alias equal to a column name would be resolved in WHERE.
  const picked = columns.map((c) => `, argMax(${c}, ingested_at) AS v_${c}`).join("");
  const renamed = columns.map((c) => `, v_${c} AS ${c}`).join("");
  return `
    SELECT workflow, run_id, span_id, v_day AS day, v_model AS model${renamed} FROM (
      SELECT workflow, run_id, span_id, argMax(toDate(start_time), ingested_at) AS v_day,
             argMax(if(response_model != '', response_model, request_model), ingested_at) AS v_model${picked}
      FROM steps
      WHERE ${SCOPE_SQL} AND phase = {ss_phase:String} AND (${where})
        AND toDate(start_time) >= toDate({ss_from:DateTime64(3)}) AND toDate(start_time) < toDate({ss_to:DateTime64(3)})
      GROUP BY workflow, run_id, span_id
    )`;
}

export function stepSetParams(phase: RunPhase, from: Date, to: Date) {
  return { ss_phase: phase, ss_from: from, ss_to: to };
}
