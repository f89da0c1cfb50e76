import type { Db } from "@/clickhouse/client";
import { runMetric, type CycleTimeResult, type ExceptionRateResult, type FreshnessResult, type IngestCompletenessResult, type LaborHoursResult, type MetricInput, type MilestonesResult } from "@/metrics/registry";
import { router, tenantProcedure } from "../trpc";
import { metricInput, windowInput } from "./metric-window";

export interface Overview {
  labor: LaborHoursResult;
  cycle: CycleTimeResult;
  exceptions: ExceptionRateResult;
  milestones: MilestonesResult;
  freshness: FreshnessResult;
  completeness: IngestCompletenessResult;
}

/**
 * The executive overview: the metrics engine's own results for one window, untouched, so a tile and
 * `plumbline metrics <key>` always agree. Run one after another: the embedded engine serialises anyway.
 */
export async function overview(db: Db, input: MetricInput): Promise<Overview> {
  const labor = await runMetric(db, "labor-hours", input);
  const cycle = await runMetric(db, "cycle-time", input);
  const exceptions = await runMetric(db, "exception-rate", input);
  const milestones = await runMetric(db, "milestones", input);
  const freshness = await runMetric(db, "freshness", input);
  const completeness = await runMetric(db, "ingest-completeness", input);
  // The registry returns its union type; each key names exactly one member of it.
  return {
    labor: labor as LaborHoursResult,
    cycle: cycle as CycleTimeResult,
    exceptions: exceptions as ExceptionRateResult,
    milestones: milestones as MilestonesResult,
    freshness: freshness as FreshnessResult,
    completeness: completeness as IngestCompletenessResult,
  };
}

export const overviewRouter = router({
  summary: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(({ ctx, input }) => overview(ctx.db, metricInput(ctx, input))),
});
