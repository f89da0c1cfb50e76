import type { Db } from "@/clickhouse/client";
import { type SideFigures, candidateBaselineFigures, knownRate, lockedBaselineFigures } from "@/metrics/locked-baseline";

/**
 * The measured baseline of a workflow, in the shape a lock stores: its finished baseline-phase runs
 * that started before go-live, each counted once (docs/metrics.md, "Run" and "Locked baseline").
 * The figures come from `SIDE_FIGURES` in metrics/, the same computation every comparison reads, so a
 * lock and the comparisons that cite it cannot disagree.
 */
export interface MeasuredBaseline {
  n: number;
  p50_hours: number | null;
  p90_hours: number | null;
  mean_hours: number | null;
  runs_with_minutes: number;
  mean_human_minutes: number | null;
  /** Over the runs whose outcome is known; null when none is (a log with no outcome column). */
  exception_rate: number | null;
  window_from: string | null;
  window_to: string | null;
  import_ids: string[];
  instrumented_runs: number;
}

const EMPTY: MeasuredBaseline = {
  n: 0,
  p50_hours: null,
  p90_hours: null,
  mean_hours: null,
  runs_with_minutes: 0,
  mean_human_minutes: null,
  exception_rate: null,
  window_from: null,
  window_to: null,
  import_ids: [],
  instrumented_runs: 0,
};

export function toMeasured(f: SideFigures | undefined): MeasuredBaseline {
  if (!f || f.n === 0) return EMPTY;
  return {
    n: f.n,
    p50_hours: (f.q[0] ?? 0) / 3600,
    p90_hours: (f.q[1] ?? 0) / 3600,
    mean_hours: f.cycle_seconds_sum / f.n / 3600,
    runs_with_minutes: f.runs_with_minutes,
    mean_human_minutes: f.runs_with_minutes > 0 ? f.minutes_sum / f.runs_with_minutes : null,
    exception_rate: knownRate(f.exception_runs, f.exception_known),
    window_from: f.window_from,
    window_to: f.window_to,
    import_ids: f.import_ids,
    instrumented_runs: f.instrumented_runs,
  };
}

/** What a lock at `goLive` would freeze now. */
export async function measuredBaseline(db: Db, tenantId: string, workflow: string, goLive: Date): Promise<MeasuredBaseline> {
  return toMeasured(await candidateBaselineFigures(db, tenantId, workflow, goLive));
}

/** The figures of the runs frozen by the workflow's latest lock version. */
export async function frozenBaseline(db: Db, tenantId: string, workflow: string): Promise<MeasuredBaseline> {
  const figures = await lockedBaselineFigures(db, { tenant: tenantId, all_wf: 0, wfs: [workflow] });
  return toMeasured(figures.get(workflow));
}
