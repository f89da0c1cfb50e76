import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { workflowName } from "@/ingest/baseline/import-baseline";
import { audit } from "@/server/audit";
import { BaselineError } from "./declared";
import { type WorkflowSettingsVersion, getWorkflowSettings } from "./workflow-settings";

/** The money a workflow's ROI and payback weigh (docs/metrics.md, "Labor hours and ROI"). */
export const COST_FIELDS = ["hourly_cost", "platform_cost_monthly", "recurring_investment_monthly", "implementation_cost"] as const;
export type CostField = (typeof COST_FIELDS)[number];

export interface CostChange {
  tenantId: string;
  workflow: string;
  actor: string;
  costs: Partial<Record<CostField, number>>;
}

/**
 * Sets some of a workflow's costs: a new `workflows` version copying the current one with those costs
 * changed (the table is append-only; the old version stays for the record). A change that changes
 * nothing writes nothing. Audited like every settings change.
 */
export async function setWorkflowCosts(db: Db, req: CostChange): Promise<{ settings: WorkflowSettingsVersion; changed: boolean }> {
  if (!workflowName.safeParse(req.workflow).success) throw new BaselineError(`Invalid workflow "${req.workflow}"`);
  for (const [k, v] of Object.entries(req.costs)) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new BaselineError(`${k} must be a number ≥ 0, got ${v}`);
  }
  const before = await getWorkflowSettings(db, req.tenantId, req.workflow);
  const changes = COST_FIELDS.filter((k) => req.costs[k] !== undefined && req.costs[k] !== (before?.[k] ?? 0));
  if (before && changes.length === 0) return { settings: before, changed: false };
  const { updated_at: prevAt, updated_by: _by, ...current } = before ?? { workflow: req.workflow, updated_at: null, updated_by: "" };
  // Newer than the version it copies even if clocks disagree by a few milliseconds.
  const at = Math.max(Date.now(), prevAt ? fromClickHouseTime(prevAt).getTime() + 1 : 0);
  await db.insert("workflows", [{ ...current, ...req.costs, tenant_id: req.tenantId, removed: 0, updated_by: req.actor, updated_at: new Date(at) }]);
  await audit(db, {
    tenantId: req.tenantId,
    actorId: req.actor,
    kind: "change",
    action: "workflow.setCosts",
    inputSummary: `workflow=${req.workflow} ${changes.map((k) => `${k}=${req.costs[k]}`).join(" ")}`,
    result: "ok",
    detail: changes.map((k) => `${k} ${before?.[k] ?? 0} → ${req.costs[k]}`).join("; "),
  });
  const settings = await getWorkflowSettings(db, req.tenantId, req.workflow);
  if (!settings) throw new BaselineError("The workflow settings were not readable after saving them");
  return { settings, changed: true };
}
