import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import type { Db } from "@/clickhouse/client";
import { phaseWindowParams } from "./phase-window";
import { runSetParams, runSetSql } from "./run-set";
import { SCOPE_SQL, type Scope, addDays } from "./scope";

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

interface PhaseCount {
  phase: "baseline" | "live";
  n: number;
}

interface Data {
  runs: PhaseCount[];
  rework: PhaseCount[];
}

const sideRow = z.object({ runs: z.coerce.number(), rework: z.coerce.number() });

/**
 * A run of the run set (run-set.ts: `workflow`, `run_id`, its phase in `{rs_phase}`) that was reworked:
 * a step repeated or a step's AI output corrected or rejected in review. The rework rate counts these,
 * and the runs explorer's `rework` filter selects them, so a link from the rate lists what it counted.
 */
export const REWORK_RUN_SQL = `(workflow, run_id) GLOBAL IN (
       SELECT workflow, run_id FROM steps
       WHERE ${SCOPE_SQL} AND phase = {rs_phase:String}
         AND toDate(start_time) >= toDate({rework_steps_from:DateTime64(3)}) AND toDate(start_time) <= toDate({rework_steps_to:DateTime64(3)})
       GROUP BY workflow, run_id, step
       HAVING min(span_id) != max(span_id) OR countIf(review_outcome IN ('corrected', 'rejected')) > 0
     )`;

/** The steps REWORK_RUN_SQL reads: from the day before the runs' window through the day after it. */
export const reworkParams = (from: Date, to: Date) => ({ rework_steps_from: new Date(Math.max(0, addDays(from, -1).getTime())), rework_steps_to: addDays(to, 1) });

/**
 * Finished runs of one phase started in the window, each once (run-set.ts), and how many of them were
 * reworked. A repeated step is the same step name on two distinct spans of one run (a duplicate
 * delivery of one span is not a repeat); "two distinct span ids" is min ≠ max, which keeps two values
 * per group where a set of ids grew to 1.3 GB RSS at 50M spans; past 256 MB the grouping spills to disk
 * instead of growing the process (the engine shares its memory). Steps are read from the day before the
 * window through the day after it, as the run set reads them.
 */
async function sideCounts(db: Db, scope: Scope["params"], phase: "baseline" | "live", from: Date, to: Date) {
  const rows = await db.query(
    `SELECT count() AS runs, countIf(${REWORK_RUN_SQL}) AS rework
     FROM (${runSetSql()})
     SETTINGS max_bytes_before_external_group_by = 268435456`,
    { ...scope, ...runSetParams(phase, from, to), ...reworkParams(from, to) },
    sideRow,
  );
  return rows[0] ?? { runs: 0, rework: 0 };
}

function side(d: Data, phase: "baseline" | "live"): ReworkSide {
  const runs = d.runs.find((r) => r.phase === phase)?.n ?? 0;
  const rework = d.rework.find((r) => r.phase === phase)?.n ?? 0;
  return { runs, rework_runs: rework, rework_rate: runs ? round(rework / runs) : null };
}

export const rework = defineMetric<"rework", Data, ReworkResult>({
  key: "rework",
  title: "Rework rate",
  unit: "ratio",
  direction: "down",
  async load(db, { input, scope }) {
    const w = phaseWindowParams(input, scope);
    const sides: { phase: "baseline" | "live"; from: Date; to: Date }[] = [
      ...(w.want_baseline ? [{ phase: "baseline" as const, from: w.bfrom, to: w.bto }] : []),
      ...(w.want_live ? [{ phase: "live" as const, from: scope.from, to: scope.to }] : []),
    ];
    const counts = await Promise.all(sides.map((side) => sideCounts(db, scope.params, side.phase, side.from, side.to)));
    return {
      runs: counts.map((c, i) => ({ phase: sides[i]!.phase, n: c.runs })),
      rework: counts.map((c, i) => ({ phase: sides[i]!.phase, n: c.rework })),
    };
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
