import { z } from "zod";
import { complianceDetail } from "@/metrics/compliance-detail";
import { type ComplianceResult } from "@/metrics/registry";
import { scopeOf } from "@/metrics/scope";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";

/** Rows shown on the compliance page; the evidence pack asks for every row (`complete`). */
const PAGE_ROWS = 500;

export const complianceRouter = router({
  /** The compliance metric as is, plus the rows behind its violation counts. */
  summary: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput.extend({ complete: z.boolean().default(false) }))
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const metric = (await cachedMetric(ctx.db, "compliance", m)) as ComplianceResult;
      return { metric, ...(await complianceDetail(ctx.db, scopeOf(m), metric, input.complete ? null : PAGE_ROWS)) };
    }),
});
