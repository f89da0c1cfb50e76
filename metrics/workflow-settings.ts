import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";

const jsonObject = z.string().transform((s, ctx) => {
  try {
    const v: unknown = JSON.parse(s || "{}");
    return v;
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
});

export const targetsSchema = z
  .object({
    cycle_time_compression: z.number().optional(),
    exception_rate: z.number().optional(),
    labor_hours_30d: z.number().optional(),
  })
  .catch({});
export type Targets = z.infer<typeof targetsSchema>;

const approvedSchema = z.record(z.string(), z.array(z.string())).catch({});

export const settingsRow = z.object({
  workflow: z.string(),
  go_live_date: z.string().nullable(),
  hourly_cost: z.number(),
  currency: z.string(),
  review_sla_minutes: z.coerce.number(),
  exception_sla_minutes: z.coerce.number(),
  targets: jsonObject.pipe(targetsSchema),
  approved_models: jsonObject.pipe(approvedSchema),
  platform_cost_monthly: z.number(),
  implementation_cost: z.number(),
  recurring_investment_monthly: z.number(),
  /** Runs a week still done by hand, as declared (migration 0231; 0: none declared). */
  manual_runs_per_week: z.number().default(0),
});
export type WorkflowSettings = z.infer<typeof settingsRow>;

/**
 * Current settings of the workflows in scope: `workflows` is append-only, the newest `updated_at`
 * per workflow wins and `removed = 1` means the workflow is gone.
 */
export async function workflowSettings(db: Db, params: { tenant: string; all_wf: 0 | 1; wfs: string[] }): Promise<Map<string, WorkflowSettings>> {
  const rows = await db.query(
    `SELECT workflow, toString(go_live_date) AS go_live_date, hourly_cost, currency, review_sla_minutes,
            exception_sla_minutes, targets, approved_models, platform_cost_monthly, implementation_cost,
            recurring_investment_monthly, manual_runs_per_week, removed
     FROM workflows
     WHERE tenant_id = {tenant:String} AND ({all_wf:UInt8} = 1 OR workflow IN {wfs:Array(String)})
     ORDER BY updated_at DESC
     LIMIT 1 BY workflow`,
    params,
    settingsRow.extend({ removed: z.coerce.number() }),
  );
  return new Map(rows.filter((r) => r.removed === 0).map((r) => [r.workflow, r]));
}

export const baselineLockRow = z.object({
  workflow: z.string(),
  version: z.coerce.number(),
  go_live_date: z.string(),
  method: z.enum(["measured", "declared"]),
  n: z.coerce.number(),
  p50_hours: z.number().nullable(),
  p90_hours: z.number().nullable(),
  mean_hours: z.number().nullable(),
  mean_human_minutes: z.number().nullable(),
  exception_rate: z.number().nullable(),
  window_from: z.string().nullable().transform((s) => (s ? fromClickHouseTime(s) : null)),
  window_to: z.string().nullable().transform((s) => (s ? fromClickHouseTime(s) : null)),
});
export type BaselineLock = z.infer<typeof baselineLockRow>;

/** The latest locked baseline version per workflow (migration 0001 `baseline_locks`). */
export async function baselineLocks(db: Db, params: { tenant: string; all_wf: 0 | 1; wfs: string[] }): Promise<Map<string, BaselineLock>> {
  const rows = await db.query(
    `SELECT workflow, version, toString(go_live_date) AS go_live_date, method, n, p50_hours, p90_hours, mean_hours,
            mean_human_minutes, exception_rate, toString(window_from) AS window_from, toString(window_to) AS window_to
     FROM baseline_locks
     WHERE tenant_id = {tenant:String} AND ({all_wf:UInt8} = 1 OR workflow IN {wfs:Array(String)})
     ORDER BY version DESC, locked_at DESC
     LIMIT 1 BY workflow`,
    params,
    baselineLockRow,
  );
  return new Map(rows.map((r) => [r.workflow, r]));
}
