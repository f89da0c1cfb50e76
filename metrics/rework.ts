import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import type { Db } from "@/clickhouse/client";
import { phaseWindowParams } from "./phase-window";
import { runSetParams, runSetSql } from "./run-set";
import type { Scope } from "./scope";

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
 * Finished runs of one phase started in the window, each once (run-set.ts), and how many of them were
 * reworked: a step repeated (the same step name on two distinct spans of the run; one span delivered
 * twice is not a repeat) or a step's AI output corrected or rejected in review, each step as its latest
 * delivery has it (run-derive.ts, `reworked`). The runs explorer's `rework` filter reads the same flag,
 * so a link from the rate lists what it counted.
 */
async function sideCounts(db: Db, scope: Scope["params"], phase: "baseline" | "live", from: Date, to: Date) {
  const rows = await db.query(
    `SELECT count() AS runs, countIf(reworked = 1) AS rework FROM (${runSetSql()})`,
    { ...scope, ...runSetParams(phase, from, to) },
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
