import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { dayString } from "@/metrics/scope";
import { controlProblem, saveWorkflowControls, workflowControls } from "@/metrics/workflow-controls";
import { workflowSettingsRow } from "@/server/baseline/workflow-settings";
import { router, tenantProcedure } from "../trpc";
import { tenantSettingsOf } from "./tenant-settings";
import { describeIssues, workflowConfigInput } from "./workflow-config-input";

// The same columns as a settings version, without the ones this page does not edit.
const configRow = workflowSettingsRow.omit({ description: true, removed: true });
/** A settings version with the workflow's current control workflows (kept apart, migration 0210). */
export type WorkflowConfig = z.infer<typeof configRow> & { controls: string[] };

export { workflowConfigInput } from "./workflow-config-input";

/**
 * What the form sends, checked only for size and types: a save that changes nothing is answered before
 * the documented-shape checks, so a version stored before a check existed (a demo's retired target key)
 * can be saved unchanged; any change must pass workflowConfigInput, whose messages name the field
 * ("Loaded hourly cost: must be 0 or more") instead of a raw list of zod issues.
 */
const amount = z.number().finite();
const saveInput = z.object({
  workflow: z.string().trim().min(1).max(200),
  display_name: z.string().max(200).default(""),
  go_live_date: z.string().max(20).nullable(),
  hourly_cost: amount,
  currency: z.string().max(10).optional(),
  review_sla_minutes: amount,
  exception_sla_minutes: amount,
  targets: z.string().max(10_000),
  approved_models: z.string().max(10_000),
  platform_cost_monthly: amount,
  implementation_cost: amount,
  recurring_investment_monthly: amount.default(0),
  /** Left out: the current control list stays as it is. */
  controls: z.array(z.string().max(200)).max(50).optional(),
  manual_runs_per_week: amount.default(0),
});
type SaveInput = z.infer<typeof saveInput>;

/** JSON text compared by value: key order and spacing are not a change. */
function sameJson(a: string, b: string): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return a === b;
  }
}

const EDITED = ["display_name", "go_live_date", "hourly_cost", "currency", "review_sla_minutes", "exception_sla_minutes", "platform_cost_monthly", "implementation_cost", "recurring_investment_monthly", "manual_runs_per_week"] as const;

function unchanged(input: SaveInput & { currency: string }, current: WorkflowConfig | undefined): boolean {
  if (!current) return false;
  return EDITED.every((k) => input[k] === current[k]) && sameJson(input.targets, current.targets) && sameJson(input.approved_models, current.approved_models);
}

/** The current version of every workflow's configuration (append-only table: newest updated_at wins). */
export async function workflowConfigs(db: Db, tenantId: string): Promise<WorkflowConfig[]> {
  const rows = await db.query(
    `SELECT workflow, display_name, toString(go_live_date) AS go_live_date, hourly_cost, currency, review_sla_minutes,
            exception_sla_minutes, targets, approved_models, platform_cost_monthly, implementation_cost,
            recurring_investment_monthly, manual_runs_per_week, updated_by,
            toString(updated_at) AS updated_at, removed
     FROM workflows WHERE tenant_id = {tenant:String} ORDER BY updated_at DESC LIMIT 1 BY workflow`,
    { tenant: tenantId },
    configRow.extend({ removed: z.coerce.number() }),
  );
  const controls = await workflowControls(db, tenantId);
  return rows
    .filter((r) => r.removed === 0)
    .map(({ removed: _removed, ...r }) => ({ ...r, controls: controls.get(r.workflow) ?? [] }))
    .sort((a, b) => a.workflow.localeCompare(b.workflow));
}

/**
 * Stores a changed control list after the checks of `controlProblem`, against the go-live being saved
 * with it. A control the admin may not see behind a barrier is as unknown as one that does not exist.
 */
async function saveControls(ctx: { db: Db; tenant: { id: string }; user: { email: string }; workflows: string[] | null }, configs: WorkflowConfig[], input: { workflow: string; go_live_date: string | null; controls: string[] }) {
  const current = configs.find((c) => c.workflow === input.workflow)?.controls ?? [];
  if (input.controls.join(",") === current.join(",")) return;
  const visible = configs.filter((c) => ctx.workflows === null || ctx.workflows.includes(c.workflow) || c.workflow === input.workflow);
  const candidates = [...visible.filter((c) => c.workflow !== input.workflow), { workflow: input.workflow, go_live_date: input.go_live_date }];
  const problem = controlProblem(input.workflow, input.controls, candidates, dayString(new Date()));
  if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
  await saveWorkflowControls(ctx.db, ctx.tenant.id, input.workflow, input.controls, ctx.user.email);
}

export const settingsWorkflowsRouter = router({
  list: tenantProcedure("admin").query(({ ctx }) => workflowConfigs(ctx.db, ctx.tenant.id)),
  /**
   * Appends a new configuration version; the old one stays for the record (and the audit log has who).
   * Saving what is already current writes nothing and says so: a version identical to the last one
   * records nothing, and pressing "Save new version" twice is not an error.
   */
  save: tenantProcedure("admin")
    .input(saveInput)
    .mutation(async ({ ctx, input }) => {
      const configs = await workflowConfigs(ctx.db, ctx.tenant.id);
      const current = configs.find((c) => c.workflow === input.workflow);
      // No currency named: an existing workflow keeps its own, a new one takes the tenant's (docs/design.md).
      const currency = input.currency ?? current?.currency ?? (await tenantSettingsOf(ctx.db, ctx.tenant.id)).currency;
      const sameConfig = unchanged({ ...input, currency }, current);
      const sameControls = input.controls === undefined || input.controls.join(",") === (current?.controls ?? []).join(",");
      if (sameConfig && sameControls) return { workflow: input.workflow, changed: false, message: "no change" };
      const checked = workflowConfigInput.safeParse({ ...input, currency });
      if (!checked.success) throw new TRPCError({ code: "BAD_REQUEST", message: describeIssues(checked.error.issues) });
      const { controls, ...config } = checked.data;
      if (controls !== undefined) await saveControls(ctx, configs, { workflow: config.workflow, go_live_date: config.go_live_date, controls });
      if (!sameConfig) await ctx.db.insert("workflows", [{ tenant_id: ctx.tenant.id, ...config, removed: 0, updated_by: ctx.user.email, updated_at: new Date() }]);
      return { workflow: input.workflow, changed: true, message: "saved" };
    }),
});
