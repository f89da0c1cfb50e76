import { z } from "zod";

/**
 * What a workflow's settings form sends, with messages a person can act on. Pure zod with no server
 * imports, so the form checks the same rules in the browser and shows each message next to its field;
 * the router checks them again (the browser is not trusted).
 */

/** Used when neither the form nor the tenant names a currency (tenant-settings.ts has the same default). */
export const DEFAULT_CURRENCY = "USD";

const money = (max: number) =>
  z.number({ error: "enter an amount" }).min(0, "must be 0 or more").max(max, `must be at most ${max.toLocaleString("en-US")}`);
const minutes = z.number({ error: "enter a number of minutes" }).int("must be whole minutes").min(0, "must be 0 or more").max(525_600, "must be at most a year (525,600)");
const share = z.number({ error: "enter a share between 0 and 1" }).min(0, "must be between 0% and 100%").max(1, "must be between 0% and 100%");

/** Milestone targets (docs/metrics.md, milestones): shares are fractions, 0.3 is 30%. */
export const targetsShape = z
  .object({
    cycle_time_compression: share.optional(),
    exception_rate: share.optional(),
    labor_hours_30d: z.number({ error: "enter hours" }).min(0, "must be 0 or more").max(1_000_000, "must be at most 1,000,000").optional(),
  })
  .strict();

/** Data classification → the models approved for it (compliance: a call with another model is a violation). */
export const approvedModelsShape = z.record(
  z.string().trim().min(1, "name the data class").max(100, "at most 100 characters"),
  z.array(z.string().trim().min(1, "a model name is empty").max(200, "at most 200 characters")).min(1, "list at least one model, or remove the data class"),
);

const jsonText = (schema: z.ZodType, what: string) =>
  z.string().max(10_000, "too long").refine((s) => {
    try {
      return schema.safeParse(JSON.parse(s)).success;
    } catch {
      return false;
    }
  }, `${what} must be valid JSON of the documented shape`);

/** Control workflows (docs/metrics.md, "Control comparisons"): ids of other workflows, at most 10. */
export const controlsShape = z
  .array(z.string().trim().min(1, "a control id is empty").max(200, "at most 200 characters").regex(/^[A-Za-z0-9._-]+$/, "a control is a workflow id: letters, digits, dot, dash or underscore"))
  .max(10, "at most 10 controls");

export const workflowConfigInput = z.object({
  workflow: z.string().trim().min(1, "give the workflow an id").max(200, "at most 200 characters").regex(/^[A-Za-z0-9._-]+$/, "use letters, digits, dot, dash or underscore"),
  display_name: z.string().max(200, "at most 200 characters").default(""),
  go_live_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date such as 2025-01-31").nullable(),
  hourly_cost: money(100_000),
  /** Left out: the tenant's currency (Settings → tenant), else DEFAULT_CURRENCY. */
  currency: z.string().regex(/^[A-Z]{3}$/, "a three-letter ISO 4217 code such as USD or EUR").optional(),
  review_sla_minutes: minutes,
  exception_sla_minutes: minutes,
  targets: jsonText(targetsShape, "targets"),
  approved_models: jsonText(approvedModelsShape, "approved models"),
  platform_cost_monthly: money(100_000_000),
  implementation_cost: money(1_000_000_000),
  /** Support and maintenance a month, beside the platform licence (docs/metrics.md, "Labor hours and ROI"). */
  recurring_investment_monthly: money(100_000_000).default(0),
  /** Stored apart from the settings version (metrics/workflow-controls.ts); left out, the current list stays. */
  controls: controlsShape.optional(),
  /** Runs a week still done by hand (docs/metrics.md, "Pilot trap"); 0: none declared. */
  manual_runs_per_week: z.number({ error: "enter runs per week" }).min(0, "must be 0 or more").max(100_000, "must be at most 100,000").default(0),
});
export type WorkflowConfigInput = z.input<typeof workflowConfigInput>;

/** How the form names each field, so a message reads "Hourly cost: must be 0 or more". */
export const FIELD_LABELS: Record<string, string> = {
  workflow: "Workflow id",
  display_name: "Display name",
  go_live_date: "Go-live date",
  hourly_cost: "Loaded hourly cost",
  currency: "Currency",
  review_sla_minutes: "Review SLA",
  exception_sla_minutes: "Exception SLA",
  targets: "Targets",
  approved_models: "Approved models",
  cycle_time_compression: "Cycle time compression target",
  exception_rate: "Exception rate target",
  labor_hours_30d: "Labor hours target",
  platform_cost_monthly: "Platform cost / month",
  implementation_cost: "One-time investment",
  recurring_investment_monthly: "Recurring investment / month",
  controls: "Control workflows",
  manual_runs_per_week: "Manual runs / week",
};

/** One message per field (the first), keyed by the field's top-level name. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? "form");
    out[key] ??= i.message;
  }
  return out;
}

/** All messages as one sentence for a person: "Loaded hourly cost: must be 0 or more; Currency: …". */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return Object.entries(fieldErrors(issues))
    .map(([k, m]) => `${FIELD_LABELS[k] ?? k}: ${m}`)
    .join("; ");
}
