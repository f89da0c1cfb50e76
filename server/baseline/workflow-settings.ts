import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { workflowName } from "@/ingest/baseline/import-baseline";
import { audit } from "@/server/audit";
import { BaselineError } from "./declared";
import { type BaselineLockVersion, latestBaselineLock, lockBaseline } from "./lock";

export const workflowSettingsRow = z.object({
  workflow: z.string(),
  display_name: z.string(),
  description: z.string(),
  go_live_date: z.string().nullable(),
  hourly_cost: z.number(),
  currency: z.string(),
  review_sla_minutes: z.coerce.number(),
  exception_sla_minutes: z.coerce.number(),
  targets: z.string(),
  approved_models: z.string(),
  platform_cost_monthly: z.number(),
  implementation_cost: z.number(),
  // Migration 0140; a reader that does not select it yet sees 0, what an older version meant.
  recurring_investment_monthly: z.number().default(0),
  // Migration 0231: the runs a week still done by hand, as declared (0: none).
  manual_runs_per_week: z.number().default(0),
  removed: z.coerce.number(),
  updated_by: z.string(),
  updated_at: z.string(),
});
export type WorkflowSettingsVersion = z.infer<typeof workflowSettingsRow>;

const CONFIG = `display_name, description, hourly_cost, currency, review_sla_minutes, exception_sla_minutes, targets,
  approved_models, platform_cost_monthly, implementation_cost, recurring_investment_monthly, manual_runs_per_week, removed`;

/** The workflow's current configuration: `workflows` is append-only and the newest `updated_at` wins. */
export async function getWorkflowSettings(db: Db, tenantId: string, workflow: string): Promise<WorkflowSettingsVersion | undefined> {
  const rows = await db.query(
    `SELECT workflow, ${CONFIG}, toString(go_live_date) AS go_live_date, updated_by, toString(updated_at) AS updated_at
     FROM workflows WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
     ORDER BY updated_at DESC LIMIT 1`,
    { tenant: tenantId, workflow },
    workflowSettingsRow,
  );
  return rows[0];
}

export interface GoLiveRequest {
  tenantId: string;
  workflow: string;
  /** YYYY-MM-DD. */
  goLiveDate: string;
  actor: string;
  /** Needed when the baseline is already locked: changing it creates a new, audited version. */
  reason?: string;
}

/**
 * Sets a workflow's go-live date and freezes its baseline. The date goes into a new `workflows` row that
 * copies the current configuration (so nothing else changes); the lock becomes version 1, or, with a
 * reason, the next version. Setting the same date again without a reason changes nothing.
 */
export async function setGoLive(db: Db, req: GoLiveRequest): Promise<{ settings: WorkflowSettingsVersion; lock: BaselineLockVersion; changed: boolean }> {
  const wf = workflowName.safeParse(req.workflow);
  if (!wf.success) throw new BaselineError(`Invalid workflow "${req.workflow}"`);
  if (!z.iso.date().safeParse(req.goLiveDate).success) throw new BaselineError(`Invalid go-live date "${req.goLiveDate}" (expected YYYY-MM-DD)`);
  const [before, locked] = await Promise.all([getWorkflowSettings(db, req.tenantId, req.workflow), latestBaselineLock(db, req.tenantId, req.workflow)]);
  if (before && locked && before.go_live_date === req.goLiveDate && !req.reason) return { settings: before, lock: locked, changed: false };
  const lock = await lockBaseline(db, req);
  if (before?.go_live_date !== req.goLiveDate) {
    const params = { tenant: req.tenantId, workflow: req.workflow, goLive: req.goLiveDate, actor: req.actor };
    if (before) {
      // Newer than the version it copies even if clocks disagree by a few milliseconds.
      await db.command(
        `INSERT INTO workflows (tenant_id, workflow, ${CONFIG}, go_live_date, updated_by, updated_at)
         SELECT tenant_id, workflow, ${CONFIG}, {goLive:Date}, {actor:String}, greatest(now64(3), updated_at + toIntervalMillisecond(1))
         FROM workflows WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
         ORDER BY updated_at DESC LIMIT 1`,
        params,
      );
    } else {
      await db.insert("workflows", [{ tenant_id: req.tenantId, workflow: req.workflow, go_live_date: req.goLiveDate, updated_by: req.actor }]);
    }
    await audit(db, {
      tenantId: req.tenantId,
      actorId: req.actor,
      kind: "change",
      action: "workflow.setGoLive",
      inputSummary: `workflow=${req.workflow} go_live=${req.goLiveDate}`,
      result: "ok",
      detail: `go-live ${before?.go_live_date ?? "unset"} → ${req.goLiveDate}; baseline version ${lock.version}`,
    });
  }
  const settings = await getWorkflowSettings(db, req.tenantId, req.workflow);
  if (!settings) throw new BaselineError("The workflow settings were not readable after saving them");
  return { settings, lock, changed: true };
}
