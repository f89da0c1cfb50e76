import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import { PHASE_WINDOW_SQL, phaseWindowParams } from "./phase-window";
import { SCOPE_SQL, windowParams } from "./scope";

export interface ReworkSide {
  runs: number;
  rework_runs: number;
  rework_rate: number | null;
}

export interface ReworkResult extends MetricResultBase {
  key: "rework";
  baseline: ReworkSide;
  live: ReworkSide;
  /** live − baseline rework rate; null unless both sides have enough runs. */
  change: number | null;
}

const countRow = z.object({ phase: z.enum(["baseline", "live"]), n: z.coerce.number() });

interface Data {
  runs: z.output<typeof countRow>[];
  rework: z.output<typeof countRow>[];
}

function side(d: Data, phase: "baseline" | "live"): ReworkSide {
  const runs = d.runs.find((r) => r.phase === phase)?.n ?? 0;
  const rework = Math.min(d.rework.find((r) => r.phase === phase)?.n ?? 0, runs);
  return { runs, rework_runs: rework, rework_rate: runs ? round(rework / runs) : null };
}

export const rework = defineMetric<"rework", Data, ReworkResult>({
  key: "rework",
  title: "Rework rate",
  unit: "ratio",
  direction: "down",
  async load(db, { input, scope }) {
    const params = { ...windowParams(scope), ...phaseWindowParams(input, scope) };
    const runs = await db.query(
      `SELECT phase, sum(runs) AS n FROM runs_daily WHERE ${SCOPE_SQL} AND ${PHASE_WINDOW_SQL("day")} GROUP BY phase`,
      params,
      countRow,
    );
    // A repeated step is the same step name on two distinct spans of one run (a duplicate delivery of one
    // span is not a repeat). This needs the run's steps together, so it reads raw spans of the window:
    // a drill-down-sized query, measured in the benchmark. "Two distinct span ids" is min ≠ max, which
    // keeps two values per group where a set of ids grew to 1.3 GB RSS at 50M spans; past 256 MB the
    // grouping spills to disk instead of growing the process (the engine shares its memory).
    const reworked = await db.query(
      `SELECT phase, uniqExact(run_id) AS n FROM (
         SELECT phase, run_id FROM steps WHERE ${SCOPE_SQL} AND ${PHASE_WINDOW_SQL("toDate(start_time)")}
         GROUP BY phase, run_id, step
         HAVING min(span_id) != max(span_id) OR countIf(review_outcome IN ('corrected', 'rejected')) > 0
       ) GROUP BY phase
       SETTINGS max_bytes_before_external_group_by = 268435456`,
      params,
      countRow,
    );
    return { runs, rework: reworked };
  },
  compute(d, { input }) {
    const baseline = side(d, "baseline");
    const live = side(d, "live");
    const focus = input.phase === "baseline" ? baseline : live;
    const comparable = !input.phase && baseline.runs >= MIN_RUNS && live.runs >= MIN_RUNS;
    const reason = focus.runs < MIN_RUNS ? `Needs ${MIN_RUNS} runs; has ${focus.runs}` : undefined;
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : focus.rework_rate, unit: "ratio", label: "Rework rate" },
      baseline,
      live,
      change: comparable ? round((live.rework_rate ?? 0) - (baseline.rework_rate ?? 0)) : null,
    };
  },
});
