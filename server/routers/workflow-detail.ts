import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { type CycleTimeResult, type ExceptionRateResult, type LaborHoursResult, type ReworkResult } from "@/metrics/registry";
import { scopeOf } from "@/metrics/scope";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";

const bandRow = z.object({ week: z.string(), phase: z.enum(["baseline", "live"]), runs: z.coerce.number(), p50_hours: z.number(), p90_hours: z.number() });
const stepRow = z.object({
  step: z.string(),
  actor: z.string(),
  count: z.coerce.number(),
  mean_seconds: z.number(),
  human_minutes: z.number(),
  interventions: z.coerce.number(),
});
const modelRow = z.object({ model: z.string(), version: z.string(), prompt_version: z.string(), steps: z.coerce.number(), tokens_in: z.coerce.number(), tokens_out: z.coerce.number() });
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

const live = "tenant_id = {tenant:String} AND workflow = {workflow:String} AND day >= toDate({from:DateTime64(3)}) AND day < toDate({to:DateTime64(3)})";

/** The drill-down beside the metric results: rollup reads only (DESIGN §5: never group raw spans by run here). */
async function breakdown(db: Db, tenantId: string, workflow: string, from: Date, to: Date) {
  const params = { tenant: tenantId, workflow, from, to };
  // Baseline bands span the whole baseline period (it may predate the window); live bands the window.
  const bands = await db.query(
    `SELECT toString(toMonday(day)) AS week, toString(phase) AS phase, sum(runs) AS runs,
            quantilesMerge(0.5, 0.9)(cycle_seconds_q)[1] / 3600 AS p50_hours, quantilesMerge(0.5, 0.9)(cycle_seconds_q)[2] / 3600 AS p90_hours
     FROM runs_cycle_daily WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
       AND (phase = 'baseline' OR (day >= toDate({from:DateTime64(3)}) AND day < toDate({to:DateTime64(3)})))
     GROUP BY week, phase ORDER BY week, phase`,
    params,
    bandRow,
  );
  const steps = await db.query(
    `SELECT step, toString(actor) AS actor, sum(steps) AS count, sum(duration_seconds_sum) / greatest(count, 1) AS mean_seconds,
            sum(human_minutes_sum) AS human_minutes, sum(interventions) AS interventions
     FROM steps_daily WHERE ${live} AND phase = 'live' GROUP BY step, actor ORDER BY sum(duration_seconds_sum) DESC LIMIT 50`,
    params,
    stepRow,
  );
  const models = await db.query(
    `SELECT if(response_model != '', response_model, request_model) AS model, toString(model_version) AS version,
            toString(prompt_version) AS prompt_version, count() AS steps, sum(input_tokens) AS tokens_in, sum(output_tokens) AS tokens_out
     FROM steps WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND phase = 'live' AND actor = 'ai'
       AND start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}
     GROUP BY model, version, prompt_version ORDER BY steps DESC LIMIT 50`,
    params,
    modelRow,
  );
  const locks = await db.query(
    `SELECT version, toString(go_live_date) AS go_live_date, toString(method) AS method, n, p50_hours, p90_hours, mean_human_minutes,
            exception_rate, toString(window_from) AS window_from, toString(window_to) AS window_to, provenance, reason, locked_by,
            toString(locked_at) AS locked_at
     FROM baseline_locks WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} ORDER BY version DESC`,
    params,
    lockRow,
  );
  return { bands, steps, models, locks };
}

export const workflowDetailRouter = router({
  /** One workflow: the metrics engine's results for it plus the rollup drill-downs. */
  byName: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput.extend({ workflow: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const cycle = (await cachedMetric(ctx.db, "cycle-time", { ...m, grain: "week" })) as CycleTimeResult;
      const exceptions = (await cachedMetric(ctx.db, "exception-rate", { ...m, grain: "week" })) as ExceptionRateResult;
      const labor = (await cachedMetric(ctx.db, "labor-hours", m)) as LaborHoursResult;
      const rework = (await cachedMetric(ctx.db, "rework", m)) as ReworkResult;
      const scope = scopeOf(m);
      return { cycle, exceptions, labor, rework, ...(await breakdown(ctx.db, ctx.tenant.id, input.workflow, scope.from, scope.to)) };
    }),
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
        const cycle = (await cachedMetric(ctx.db, "cycle-time", { ...one, grain: "week" })) as CycleTimeResult;
        const exceptions = (await cachedMetric(ctx.db, "exception-rate", { ...one, grain: "week" })) as ExceptionRateResult;
        rows.push({ workflow, labor: labor.workflows.find((w) => w.workflow === workflow) ?? null, cycle, exceptions });
      }
      return { currency: labor.currency, rows };
    }),
});
