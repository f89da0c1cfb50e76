import { scopeOf } from "@/metrics/scope";
import { staleSources } from "@/metrics/source-feeds";
import { router, tenantProcedure } from "../trpc";
import { metricInput, windowInput } from "./metric-window";

export { staleFeeding, type StaleSource } from "@/metrics/source-feeds";

/**
 * The stale sources of a page's scope, for its one banner and its tiles' badges: sources behind their
 * SLA now, each with the workflows in scope it feeds. Sources and workflows outside the caller's
 * barrier are left out (metrics/source-lag.ts `SOURCE_SCOPE_SQL`, the scope's workflows).
 */
export const stalenessRouter = router({
  sources: tenantProcedure(["executive", "ops", "engineer", "admin"])
    .input(windowInput)
    .query(({ ctx, input }) => {
      const scope = scopeOf(metricInput(ctx, input));
      return staleSources(ctx.db, scope.params, scope.asOf);
    }),
});
