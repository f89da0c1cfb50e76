import { SCOPE_SQL } from "./scope";

/**
 * The runs of a side, each counted once (docs/metrics.md, "Run"). This is the one definition every
 * comparison, milestone and lock reads; nothing counts runs from raw rows directly.
 *
 * Each run's fields are derived from its spans by `run-derive.ts` and kept in `run_facts`
 * (`run-facts.ts`); a reader calls `settleRunFacts` for the tenant first, so that it sees every write
 * made before it asked. Here a run belongs to the window of its start time's UTC day, as its latest
 * delivery has it. The columns: workflow, run_id, start_time, end_time, cycle_seconds, reason,
 * exception, straight_through, human_minutes, reworked, duplicated, import_id, outcome (`run-derive.ts`
 * says what each is).
 *
 * `flags: false` leaves exception, straight_through and human_minutes NULL, reworked and duplicated 0 and
 * reason empty: for cycle
 * time and run counts, which the run's own record decides.
 *
 * Parameters (`runSetParams`): the scope (`SCOPE_SQL`), `{rs_phase:String}`, and the start-time window
 * `{rs_from:DateTime64(3)}` (inclusive) to `{rs_to:DateTime64(3)}` (exclusive) on UTC days.
 */
export function runSetSql(opts: { flags?: boolean } = {}): string {
  const flags =
    opts.flags === false
      ? `'' AS reason, CAST(NULL AS Nullable(UInt8)) AS exception, CAST(NULL AS Nullable(UInt8)) AS straight_through,
           CAST(NULL AS Nullable(Float64)) AS human_minutes, 0 AS reworked, 0 AS duplicated`
      : "reason, exception, straight_through, human_minutes, reworked, duplicated";
  // FINAL: the latest derivation of each run stands; the filters apply to it, after the merge.
  return `
    SELECT workflow, run_id, start_time, start_time + toIntervalMillisecond(cycle_ms) AS end_time,
           toFloat64(cycle_ms) / 1000 AS cycle_seconds, ${flags}, import_id, outcome
    FROM ${RUNS_IN_WINDOW} AND phase = {rs_phase:String}`;
}

/** The finished runs of the window, each once, for `FROM`; a reader adds its conditions with AND. */
const RUNS_IN_WINDOW = `run_facts FINAL
    WHERE ${SCOPE_SQL} AND present = 1
      AND toDate(start_time) >= toDate({rs_from:DateTime64(3)}) AND toDate(start_time) < toDate({rs_to:DateTime64(3)})`;

/** How many finished runs the window holds in every phase together (`{rs_from}`, `{rs_to}`, the scope). */
export const RUN_COUNT_SQL = `SELECT count() AS n FROM ${RUNS_IN_WINDOW}`;

/**
 * A run's phase as stored. `manual` runs (still done by hand after go-live, issue 27) are read only by
 * the pilot-trap detector and the run pages: every metric names the phase it reads, so they count in none.
 */
export type RunPhase = "baseline" | "live" | "manual";

/** The window parameters of `runSetSql` for one phase. */
export function runSetParams(phase: RunPhase, from: Date, to: Date) {
  return { rs_phase: phase, rs_from: from, rs_to: to };
}
