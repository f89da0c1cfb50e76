import { z } from "zod";
import { audit } from "@/server/audit";
import { TenantError, requireTenant } from "@/server/tenants";
import { metricKeys, runMetric, type MetricKey, type MetricResult } from "@/metrics/registry";
import { formatP } from "@/metrics/stats";
import { CliError, defineCommand, stringOpt } from "../command";

const date = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "expected a date such as 2026-01-31 or an ISO timestamp")
  .transform((s) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s));

const options = z.object({
  key: z.enum(metricKeys as [MetricKey, ...MetricKey[]]),
  tenant: z.string().min(1, "--tenant is required"),
  workflow: z.string().min(1).optional(),
  phase: z.enum(["baseline", "live"]).optional(),
  from: date.optional(),
  to: date.optional(),
  "as-of": date.optional(),
  grain: z.enum(["day", "week", "month"]).optional(),
});

const show = (k: string, v: unknown) =>
  k === "p_value" && typeof v === "number" ? formatP(v) : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);

/**
 * `--phase baseline` looks at the baseline alone, and the baseline predates go-live: the default window
 * (the 30 days up to now) held none of it and answered n 0. Without `--from`, it covers all of the
 * baseline, from the epoch (the earliest a stored run can start).
 */
const windowStart = (phase: "baseline" | "live" | undefined, from: Date | undefined): Date | undefined =>
  from ?? (phase === "baseline" ? new Date(0) : undefined);

export const metricsCommand = defineCommand({
  name: "metrics",
  summary: "Compute a metric for a tenant (the same result the API returns)",
  usage: `plumbline metrics <${metricKeys.join("|")}> --tenant <slug> [--workflow <name>] [--phase baseline|live] [--from <date>] [--to <date>] [--as-of <date>] [--grain day|week|month] [--json]`,
  options: {
    tenant: { type: "string" },
    workflow: { type: "string" },
    phase: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    "as-of": { type: "string" },
    grain: { type: "string" },
  },
  async run(ctx, args) {
    const parsed = options.safeParse({
      key: args.positionals[0],
      tenant: stringOpt(args, "tenant") ?? "",
      workflow: stringOpt(args, "workflow"),
      phase: stringOpt(args, "phase"),
      from: stringOpt(args, "from"),
      to: stringOpt(args, "to"),
      "as-of": stringOpt(args, "as-of"),
      grain: stringOpt(args, "grain"),
    });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "argument"}: ${i.message}`).join("\n");
      throw new CliError(`${issues}\nUsage: plumbline metrics <key> --tenant <slug>  (keys: ${metricKeys.join(", ")})`, 2);
    }
    const o = parsed.data;
    let tenantId: string;
    try {
      tenantId = (await requireTenant(ctx.db, o.tenant)).tenant_id;
    } catch (err) {
      if (err instanceof TenantError) throw new CliError(err.message);
      throw err;
    }
    const result = await runMetric(ctx.db, o.key, {
      tenantId,
      workflow: o.workflow,
      workflows: null,
      phase: o.phase,
      from: windowStart(o.phase, o.from),
      to: o.to,
      asOf: o["as-of"],
      grain: o.grain,
    });
    // DESIGN.md §4: every read of ROI/compliance data is audited, from the terminal too.
    await audit(ctx.db, {
      tenantId,
      actorId: ctx.actor,
      kind: "read",
      action: `cli:metrics ${o.key}`,
      inputSummary: JSON.stringify({ workflow: o.workflow, phase: o.phase, window: result.window }),
      result: "ok",
    });
    return result;
  },
  format(r: MetricResult) {
    const { key: _k, title, unit: _u, status, reason, headline, window, baselineVersion, ...rest } = r;
    const head = headline.value === null ? "—" : `${headline.value} ${headline.unit}`;
    const lines = [
      `${title} (${window.from} … ${window.to})`,
      `${headline.label}: ${head}${status === "insufficient_data" ? `  [insufficient data: ${reason ?? ""}]` : ""}`,
    ];
    if (baselineVersion !== undefined && baselineVersion !== null) lines.push(`baseline version: ${baselineVersion}`);
    for (const [k, v] of Object.entries(rest)) lines.push(`${k}: ${show(k, v)}`);
    return lines.join("\n");
  },
});
