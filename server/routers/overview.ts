import type { Db } from "@/clickhouse/client";
import { type CycleTimeResult, type ExceptionRateResult, type FreshnessResult, type IngestCompletenessResult, type LaborHoursResult, type MetricInput, type MilestonesResult } from "@/metrics/registry";
import type { PilotTrapResult } from "@/metrics/registry";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";
import { MILESTONES_TTL_MS, checkpointTimeline, progressSeries } from "./progress";

export interface Overview {
  labor: LaborHoursResult;
  cycle: CycleTimeResult;
  exceptions: ExceptionRateResult;
  freshness: FreshnessResult;
  completeness: IngestCompletenessResult;
}

/**
 * The executive overview's tiles: the metrics engine's own results for one window, untouched, so a tile and
 * `plumbline metrics <key>` always agree. Asked side by side: the embedded store holds several connections
 * (clickhouse/chdb-client.ts), so the tile waits for the slowest metric, not for their sum.
 */
export async function overview(db: Db, input: MetricInput): Promise<Overview> {
  const [labor, cycle, exceptions, freshness, completeness] = await Promise.all([
    cachedMetric(db, "labor-hours", input),
    cachedMetric(db, "cycle-time", input),
    cachedMetric(db, "exception-rate", input),
    cachedMetric(db, "freshness", input),
    cachedMetric(db, "ingest-completeness", input),
  ]);
  // The registry returns its union type; each key names exactly one member of it.
  return {
    labor: labor as LaborHoursResult,
    cycle: cycle as CycleTimeResult,
    exceptions: exceptions as ExceptionRateResult,
    freshness: freshness as FreshnessResult,
    completeness: completeness as IngestCompletenessResult,
  };
}

export const overviewRouter = router({
  summary: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(({ ctx, input }) => overview(ctx.db, metricInput(ctx, input))),
  /**
   * The milestone scorecard, apart from the tiles because it evaluates every checkpoint's trailing
   * window (seconds on a year of data): the page streams it in after the tiles.
   */
  milestones: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(async ({ ctx, input }) => (await cachedMetric(ctx.db, "milestones", metricInput(ctx, input), MILESTONES_TTL_MS)) as MilestonesResult),
  /** Per workflow the checkpoints as a timeline, and firm-wide checkpoints met of due (the milestone evaluation). */
  checkpoints: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(({ ctx, input }) => checkpointTimeline(ctx.db, metricInput(ctx, input))),
  /** Hours and value per month, the payback curve and change markers, up to the window's end. */
  progress: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(({ ctx, input }) => progressSeries(ctx.db, metricInput(ctx, input))),
  /** The pilot-trap detector (docs/metrics.md, "Pilot trap"): the firm's live workflows, or the one named. */
  pilotTrap: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(async ({ ctx, input }) => (await cachedMetric(ctx.db, "pilot-trap", metricInput(ctx, input))) as PilotTrapResult),
});
