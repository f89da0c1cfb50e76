import { readFile } from "node:fs/promises";
import path from "node:path";
import { MonthlyFileError } from "@/ingest/business/monthly-csv";
import type { MonthlySummary } from "@/ingest/business/import-monthly";
import { addMonths, monthString } from "@/metrics/business-months";
import { type BusinessOutcomesReport, businessOutcomes } from "@/metrics/business-outcomes-report";
import { auditedLockYear, auditedMonthlyImport } from "@/server/business/business-figures";
import { CliError, defineCommand, requireOpt, stringOpt, type ParsedArgs } from "../command";
import { tenantIdOf } from "./import";

function month(args: ParsedArgs, name: string, fallback: string): string {
  const v = stringOpt(args, name) ?? fallback;
  if (!monthString.safeParse(v).success) throw new CliError(`--${name} must be a month, YYYY-MM`, 2);
  return v;
}

function formatImport(s: MonthlySummary): string {
  const verb = s.status === "preview" ? "Would import" : s.status === "reimported" ? "Imported again (figures replaced, nothing added twice)" : "Imported";
  const lines = [`${verb}: ${s.figures} figures${s.months ? `, ${s.months.first} → ${s.months.last}` : ""} (import ${s.importId}).`];
  for (const m of s.measures) lines.push(`  ${m.measure}: ${m.figures}${m.missing_months.length ? `, no figure for ${m.missing_months.join(", ")}` : ""}`);
  if (s.skippedCount > 0) {
    lines.push(`Skipped ${s.skippedCount} rows:`);
    for (const r of s.skipped) lines.push(`  ${r.reason} ×${r.count} (lines ${r.lines.join(", ")}${r.count > r.lines.length ? ", …" : ""})${r.example ? ` e.g. ${JSON.stringify(r.example)}` : ""}`);
  }
  return lines.join("\n");
}

export const businessImport = defineCommand<MonthlySummary>({
  name: "business import",
  summary: "Import monthly business figures (CSV: period, measure, value, optional dimensions)",
  usage: "plumbline business import <file.csv> [--tenant <slug>] [--preview] [--json]",
  options: { tenant: { type: "string" }, preview: { type: "boolean" } },
  async run(ctx, args) {
    const file = args.positionals[0];
    if (!file) throw new CliError("Name the CSV file to import", 2);
    const tenantId = await tenantIdOf(ctx, args);
    const text = await readFile(file, "utf8").catch(() => {
      throw new CliError(`Cannot read ${file}`);
    });
    try {
      return await auditedMonthlyImport(ctx.db, { tenantId, fileName: path.basename(file), text, actor: ctx.actor, dryRun: args.values.preview === true });
    } catch (err) {
      if (err instanceof MonthlyFileError) throw new CliError(err.message);
      throw err;
    }
  },
  format: formatImport,
});

export const businessLockYear = defineCommand<{ version: number }>({
  name: "business lock-year",
  summary: "Lock the business baseline year (12 months from --from) as a new version, with a reason",
  usage: "plumbline business lock-year --from YYYY-MM --reason <text> [--declared] [--tenant <slug>] [--json]",
  options: { tenant: { type: "string" }, from: { type: "string" }, reason: { type: "string" }, declared: { type: "boolean" } },
  async run(ctx, args) {
    const tenantId = await tenantIdOf(ctx, args);
    const from = month(args, "from", requireOpt(args, "from"));
    const version = await auditedLockYear(ctx.db, { tenantId, from, method: args.values.declared === true ? "declared" : "before-go-live", reason: requireOpt(args, "reason"), actor: ctx.actor });
    return { version };
  },
  format: (r) => `Locked the business baseline year as version ${r.version}.`,
});

const pct = (v: number | null, unit: string) => (v === null ? "unknown" : unit.startsWith("share") ? `${(v * 100).toFixed(1)}%` : v.toLocaleString("en-US", { maximumFractionDigits: 2 }));

export const businessOutcomesCommand = defineCommand<BusinessOutcomesReport>({
  name: "business outcomes",
  summary: "Business outcomes against the same months of the baseline year",
  usage: "plumbline business outcomes [--from YYYY-MM] [--to YYYY-MM] [--tenant <slug>] [--json]",
  options: { tenant: { type: "string" }, from: { type: "string" }, to: { type: "string" } },
  async run(ctx, args) {
    const tenantId = await tenantIdOf(ctx, args);
    const now = new Date().toISOString().slice(0, 7);
    return businessOutcomes(ctx.db, { tenantId, from: month(args, "from", addMonths(now, -12)), to: month(args, "to", addMonths(now, -1)) });
  },
  format: (r) =>
    [
      r.baseline_year ? `Baseline year ${r.baseline_year.from} → ${r.baseline_year.to}${r.baseline_year.version ? ` (locked, version ${r.baseline_year.version})` : ""}` : "",
      r.note ?? "",
      ...r.outcomes.map((o) =>
        o.status === "ok"
          ? `${o.title}: ${pct(o.live, o.unit)} against ${pct(o.baseline, o.unit)} (${o.paired_months} months paired)`
          : `${o.title}: insufficient data — ${o.reason}`,
      ),
    ]
      .filter(Boolean)
      .join("\n"),
});

export const businessCommands = [businessImport, businessLockYear, businessOutcomesCommand];
