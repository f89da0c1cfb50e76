import { BaselineError } from "@/server/baseline/declared";
import { type CostField, setWorkflowCosts } from "@/server/baseline/workflow-costs";
import { CliError, defineCommand, requireOpt, stringOpt, type ParsedArgs } from "../command";
import { tenantIdOf } from "./import";

const OPTIONS: Record<string, CostField> = {
  "hourly-cost": "hourly_cost",
  "platform-monthly": "platform_cost_monthly",
  "recurring-monthly": "recurring_investment_monthly",
  "one-time": "implementation_cost",
};

function costs(args: ParsedArgs): Partial<Record<CostField, number>> {
  const out: Partial<Record<CostField, number>> = {};
  for (const [opt, field] of Object.entries(OPTIONS)) {
    const v = stringOpt(args, opt);
    if (v === undefined) continue;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new CliError(`--${opt} must be a number ≥ 0, got "${v}"`, 2);
    out[field] = n;
  }
  if (Object.keys(out).length === 0) throw new CliError(`Give at least one of ${Object.keys(OPTIONS).map((o) => `--${o}`).join(", ")}`, 2);
  return out;
}

export const workflowsCosts = defineCommand({
  name: "workflows costs",
  summary: "Set a workflow's hourly cost, platform cost, recurring and one-time investment (a new settings version)",
  usage: "plumbline workflows costs --workflow <w> [--hourly-cost <n>] [--platform-monthly <n>] [--recurring-monthly <n>] [--one-time <n>] [--tenant <slug>]",
  options: { workflow: { type: "string" }, tenant: { type: "string" }, ...Object.fromEntries(Object.keys(OPTIONS).map((o) => [o, { type: "string" as const }])) },
  async run(ctx, args) {
    const change = costs(args);
    const tenantId = await tenantIdOf(ctx, args);
    return setWorkflowCosts(ctx.db, { tenantId, workflow: requireOpt(args, "workflow"), actor: ctx.actor, costs: change }).catch((err: unknown) => {
      if (err instanceof BaselineError) throw new CliError(err.message);
      throw err;
    });
  },
  format: (r: Awaited<ReturnType<typeof setWorkflowCosts>>) =>
    `${r.changed ? "Saved" : "No change to"} costs of ${r.settings.workflow}: hourly ${r.settings.hourly_cost} ${r.settings.currency}, ` +
    `platform ${r.settings.platform_cost_monthly}/month, recurring investment ${r.settings.recurring_investment_monthly}/month, ` +
    `one-time investment ${r.settings.implementation_cost}`,
});
