import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { SHARED_MS, memoRead } from "@/clickhouse/read-memo";
import { router, tenantProcedure, workflowScope, WORKFLOW_SCOPE_SQL } from "../trpc";

const summaryRow = z.object({
  workflow: z.string(),
  display_name: z.string(),
  go_live_date: z.string().nullable(),
  baseline_runs: z.coerce.number(),
  live_runs: z.coerce.number(),
  last_day: z.string().nullable(),
});
export type WorkflowSummary = z.infer<typeof summaryRow>;

// Configured workflows (newest config version wins) and workflows seen only in telemetry, both
// restricted to the caller's information barrier. Runs are counted once each (docs/metrics.md, "Run").
const SUMMARY = `
  SELECT workflow, any(display_name) AS display_name, any(go_live_date) AS go_live_date,
         sum(baseline_runs) AS baseline_runs, sum(live_runs) AS live_runs,
         if(max(last_day) = toDate(0), NULL, toString(max(last_day))) AS last_day
  FROM (
    SELECT workflow, argMax(display_name, updated_at) AS display_name,
           toString(argMax(go_live_date, updated_at)) AS go_live_date,
           toUInt64(0) AS baseline_runs, toUInt64(0) AS live_runs, toDate(0) AS last_day
    FROM workflows WHERE tenant_id = {tenant:String} AND ${WORKFLOW_SCOPE_SQL}
    GROUP BY workflow HAVING argMax(removed, updated_at) = 0
    UNION ALL
    SELECT workflow, '' AS display_name, NULL AS go_live_date,
           uniqExactIf(run_id, phase = 'baseline') AS baseline_runs, uniqExactIf(run_id, phase = 'live') AS live_runs,
           max(toDate(start_time)) AS last_day
    FROM runs WHERE tenant_id = {tenant:String} AND ${WORKFLOW_SCOPE_SQL}
    GROUP BY workflow
  )
  WHERE {one:String} = '' OR workflow = {one:String}
  GROUP BY workflow ORDER BY workflow`;

/**
 * Every page asks for the workflow list (its filter bar, its window's go-live), and the run counts read
 * all of the tenant's runs: remembered like the runs list (SHARED_MS), and forgotten when this process
 * writes a workflow's settings or a run (clickhouse/read-memo.ts).
 */
async function summaries(db: Db, tenantId: string, workflows: string[] | null, one = ""): Promise<WorkflowSummary[]> {
  const key = `workflows|${tenantId}|${workflows === null ? "*" : workflows.join(",")}|${one}`;
  return memoRead(db, key, ["workflows", "runs"], SHARED_MS, () => db.query(SUMMARY, { tenant: tenantId, one, ...workflowScope(workflows) }, summaryRow));
}

export const workflowsRouter = router({
  list: tenantProcedure(["executive", "ops", "engineer", "admin"]).query(({ ctx }) =>
    summaries(ctx.db, ctx.tenant.id, ctx.workflows),
  ),
  byName: tenantProcedure(["executive", "ops", "engineer", "admin"])
    .input(z.object({ workflow: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      const [found] = await summaries(ctx.db, ctx.tenant.id, ctx.workflows, input.workflow);
      if (!found) throw new TRPCError({ code: "NOT_FOUND", message: `No workflow "${input.workflow}".` });
      return found;
    }),
});
