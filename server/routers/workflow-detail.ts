import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { SHARED_MS, memoRead } from "@/clickhouse/read-memo";
import { type ControlComparisonResult, type CycleTimeResult, type ExceptionRateResult, type LaborHoursResult, type ReworkResult } from "@/metrics/registry";
import { type Scope, scopeOf } from "@/metrics/scope";
import { pendingRevision } from "@/metrics/locked-baseline";
import { workflowBreakdown } from "@/metrics/workflow-breakdown";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";

const lockRow = z.object({
  version: z.coerce.number(),
  go_live_date: z.string(),
  method: z.string(),
  n: z.coerce.number(),
  p50_hours: z.number().nullable(),
  p90_hours: z.number().nullable(),
  mean_human_minutes: z.number().nullable(),
  exception_rate: z.number().nullable(),
  window_from: z.string().nullable(),
  window_to: z.string().nullable(),
  provenance: z.string(),
  reason: z.string(),
  locked_by: z.string(),
  locked_at: z.string(),
});

const BREAKDOWN_TABLES = ["runs", "steps", "baseline_locks", "baseline_lock_runs", "workflows"];

/** The drill-down beside the metric results (metrics/workflow-breakdown.ts), and the lock history. */
async function breakdown(db: Db, tenantId: string, workflow: string, scope: Scope) {
  const params = { tenant: tenantId, workflow };
  const { bands, steps, models } = await workflowBreakdown(db, scope);
  const locks = await db.query(
    `SELECT version, toString(go_live_date) AS go_live_date, toString(method) AS method, n, p50_hours, p90_hours, mean_human_minutes,
            exception_rate, toString(window_from) AS window_from, toString(window_to) AS window_to, provenance, reason, locked_by,
            toString(locked_at) AS locked_at
     FROM baseline_locks WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} ORDER BY version DESC`,
    params,
    lockRow,
  );
  return { bands, steps, models, locks, pending: await pendingRevision(db, tenantId, workflow) };
}

export const workflowDetailRouter = router({
  /** One workflow: the metrics engine's results for it plus the rollup drill-downs. */
  byName: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput.extend({ workflow: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      // Asked side by side: the page waits for the slowest, not for their sum.
      const [cycle, exceptions, labor, rework, control, drill] = await Promise.all([
        cachedMetric(ctx.db, "cycle-time", { ...m, grain: "week" }) as Promise<CycleTimeResult>,
        cachedMetric(ctx.db, "exception-rate", { ...m, grain: "week" }) as Promise<ExceptionRateResult>,
        cachedMetric(ctx.db, "labor-hours", m) as Promise<LaborHoursResult>,
        cachedMetric(ctx.db, "rework", m) as Promise<ReworkResult>,
        // Withheld inside the metric when a control is behind the member's barrier.
        cachedMetric(ctx.db, "control-comparison", m) as Promise<ControlComparisonResult>,
        // Shared for a minute like the metrics computed when asked (cached-metric.ts), and forgotten as
        // soon as this process writes spans or a lock (clickhouse/read-memo.ts).
        memoRead(ctx.db, `breakdown|${JSON.stringify(m)}`, BREAKDOWN_TABLES, SHARED_MS, () => breakdown(ctx.db, ctx.tenant.id, input.workflow, scopeOf(m))),
      ]);
      return { cycle, exceptions, labor, rework, control, ...drill };
    }),
  /** One workflow's control comparison alone (the evidence pack's); withheld behind a barrier inside the metric. */
  control: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput.extend({ workflow: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => (await cachedMetric(ctx.db, "control-comparison", metricInput(ctx, input))) as ControlComparisonResult),
  /** The list page: each workflow's headline numbers and weekly exception sparkline, from the engine. */
  list: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput.omit({ workflow: true }))
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const labor = (await cachedMetric(ctx.db, "labor-hours", m)) as LaborHoursResult;
      const names = labor.workflows.map((w) => w.workflow);
      const rows = [];
      for (const workflow of names) {
        const one = { ...m, workflow };
        // One workflow at a time (a firm may have many), its two metrics side by side.
        const [cycle, exceptions] = await Promise.all([
          cachedMetric(ctx.db, "cycle-time", { ...one, grain: "week" }) as Promise<CycleTimeResult>,
          cachedMetric(ctx.db, "exception-rate", { ...one, grain: "week" }) as Promise<ExceptionRateResult>,
        ]);
        rows.push({ workflow, labor: labor.workflows.find((w) => w.workflow === workflow) ?? null, cycle, exceptions });
      }
      return { currency: labor.currency, rows };
    }),
});
