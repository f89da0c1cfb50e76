import { z } from "zod";
import { type FreshnessResult, type IngestCompletenessResult } from "@/metrics/registry";
import { scopeOf } from "@/metrics/scope";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";

const historyRow = z.object({ source: z.string(), day: z.string(), syncs: z.coerce.number(), errors: z.coerce.number(), records: z.coerce.number(), invalid: z.coerce.number() });

export const sourcesRouter = router({
  /** Systems of record: the freshness metric as is, plus the daily sync history it summarises. */
  list: tenantProcedure(["executive", "ops", "engineer", "admin"])
    .input(windowInput.omit({ workflow: true }))
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const [freshness, completeness] = await Promise.all([
        cachedMetric(ctx.db, "freshness", m) as Promise<FreshnessResult>,
        cachedMetric(ctx.db, "ingest-completeness", m) as Promise<IngestCompletenessResult>,
      ]);
      const scope = scopeOf(m);
      // Only the sources the metric let this caller see.
      const history = await ctx.db.query(
        `SELECT source, toString(toDate(start_time)) AS day, count() AS syncs, countIf(status = 'error') AS errors,
                sum(records) AS records, sum(invalid) AS invalid
         FROM source_syncs WHERE tenant_id = {tenant:String} AND source IN {sources:Array(String)}
           AND start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}
         GROUP BY source, day ORDER BY source, day`,
        { tenant: ctx.tenant.id, sources: freshness.sources.map((s) => s.source), from: scope.from, to: scope.to },
        historyRow,
      );
      return { freshness, completeness, history };
    }),
});
