import path from "node:path";
import { ImportFileError } from "@/ingest/baseline/baseline-event";
import { parseMapOption } from "@/ingest/baseline/column-mapping";
import type { ImportProgress, ImportSummary } from "@/ingest/baseline/import-baseline";
import type { ImportOptions } from "@/ingest/baseline/import-options";
import { type ImportPreview, previewImport } from "@/ingest/baseline/preview-import";
import { auditedImport } from "@/server/baseline/audited-import";
import { TenantError, requireTenant } from "@/server/tenants";
import { CliError, defineCommand, requireOpt, stringOpt, type CommandContext, type ParsedArgs } from "../command";

const FORMATS = ["csv-events", "csv-cases", "xes"] as const;

const num = (n: number) => n.toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Resolves `--tenant` (default `demo`) to its id, as a user-facing error when it does not exist. */
export async function tenantIdOf(ctx: CommandContext, args: ParsedArgs): Promise<string> {
  try {
    return (await requireTenant(ctx.db, stringOpt(args, "tenant") ?? "demo")).tenant_id;
  } catch (err) {
    if (err instanceof TenantError) throw new CliError(err.message);
    throw err;
  }
}

function importOptionsOf(args: ParsedArgs): ImportOptions {
  const format = stringOpt(args, "format");
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(", ")}`, 2);
  const dateOrder = stringOpt(args, "date-order");
  if (dateOrder !== undefined && dateOrder !== "dmy" && dateOrder !== "mdy" && dateOrder !== "auto") {
    throw new CliError("--date-order must be dmy (day first), mdy (month first) or auto (decided from the file's dates)", 2);
  }
  return {
    format: format as ImportOptions["format"],
    mapping: parseMapOption(stringOpt(args, "map")),
    delimiter: stringOpt(args, "delimiter"),
    systemResources: stringOpt(args, "system-resources"),
    timeZone: stringOpt(args, "timezone"),
    dateOrder,
  };
}

/** At most one progress line a second (a terminal or a log file, never a flood), with rate and ETA. */
export function progressReporter(fileName: string, line: (s: string) => void, now: () => number = Date.now) {
  const started = now();
  let last = started;
  return (p: ImportProgress) => {
    const t = now();
    if (t - last < 1000) return;
    last = t;
    const seconds = (t - started) / 1000;
    const rate = p.rows / Math.max(seconds, 0.001);
    let where = `${mb(p.bytes)}`;
    if (p.totalBytes) {
      const share = Math.min(p.bytes / p.totalBytes, 1);
      const eta = share > 0 ? Math.round(seconds / share - seconds) : undefined;
      where = `${mb(p.bytes)} of ${mb(p.totalBytes)} (${Math.round(share * 100)}%)${eta !== undefined ? `, ETA ${eta}s` : ""}`;
    }
    line(`importing ${fileName}: ${num(p.rows)} rows, ${where}, ${num(Math.round(rate))} rows/s`);
  };
}

function formatSummary(s: ImportSummary): string {
  if (s.status === "already-imported") {
    return `${s.fileName} was already imported into ${s.workflow} with these options (import ${s.importId}); nothing added.`;
  }
  const lines = [
    `Imported ${s.fileName} (${s.format}) into ${s.workflow}: ${num(s.runs)} baseline runs, ${num(s.events)} events from ${num(s.rowsRead)} records.`,
    s.period ? `Period: ${s.period.from} → ${s.period.to}` : "",
    `Mapping: ${Object.entries(s.mapping).map(([f, c]) => `${f}=${c}`).join(", ")}`,
    s.dateOrder ? `Dates read ${s.dateOrder === "dmy" ? "day first" : "month first"} (--date-order ${s.dateOrder}).` : "",
    `Checksum: sha256:${s.checksum}  (import ${s.importId})`,
  ];
  if (s.skipped > 0) {
    lines.push(`Skipped ${num(s.skipped)} rows:`);
    for (const r of s.skippedReasons) {
      lines.push(`  ${r.reason} ×${num(r.count)} (lines ${r.lines.join(", ")}${r.count > r.lines.length ? ", …" : ""})${r.example ? ` e.g. ${JSON.stringify(r.example)}` : ""}`);
    }
  }
  for (const r of s.notices) {
    lines.push(`Kept with a notice: ${r.reason} ×${num(r.count)} (lines ${r.lines.join(", ")}${r.count > r.lines.length ? ", …" : ""})${r.example ? ` e.g. ${JSON.stringify(r.example)}` : ""}`);
  }
  return lines.filter(Boolean).join("\n");
}

function formatPreview(p: ImportPreview): string {
  const remark = (q: { line: number; reason: string; detail?: string }) => `  line ${q.line}: ${q.reason}${q.detail ? ` (${q.detail})` : ""}`;
  const lines = [
    `Format: ${p.format}${p.alreadyImported ? "  (already imported with these options: importing it again adds nothing)" : ""}`,
    `Mapping: ${Object.entries(p.mapping).map(([f, c]) => `${f}=${c}`).join(", ")}`,
    ...(p.dateOrder ? [`Dates read ${p.dateOrder === "dmy" ? "day first" : "month first"}`] : []),
    "",
    ["LINE", "CASE", "ACTIVITY", "TIME", "LIFECYCLE", "RESOURCE", "ACTOR", "MINUTES"].join("\t"),
    ...p.rows.map((r) => [r.line, r.caseId, r.activity, r.endTime ? `${r.time} → ${r.endTime}` : r.time, r.lifecycle, r.resource, r.actor, r.humanMinutes ?? ""].join("\t")),
    "",
    p.problems.length ? `Problems in the first ${num(p.scanned)} records:` : `No problems in the first ${num(p.scanned)} records.`,
    ...p.problems.map(remark),
    ...(p.notices.length ? ["Kept with a notice:", ...p.notices.map(remark)] : []),
  ];
  return lines.join("\n");
}

export const importCommand = defineCommand<ImportSummary | ImportPreview>({
  name: "import",
  summary: "Import a legacy export (CSV events, CSV cases, XES) as a workflow's baseline",
  usage:
    "plumbline import <file> --workflow <name> [--tenant <slug>] [--map col=field,...] [--format csv-events|csv-cases|xes] " +
    "[--system-resources <regex>] [--timezone <IANA>] [--date-order auto|dmy|mdy] [--delimiter <c>] [--preview] [--json]",
  options: {
    workflow: { type: "string" },
    tenant: { type: "string" },
    map: { type: "string" },
    format: { type: "string" },
    "system-resources": { type: "string" },
    timezone: { type: "string" },
    "date-order": { type: "string" },
    delimiter: { type: "string" },
    preview: { type: "boolean" },
  },
  async run(ctx, args) {
    const file = args.positionals[0];
    if (!file) throw new CliError("A file is required: plumbline import <file> --workflow <name>", 2);
    const workflow = requireOpt(args, "workflow");
    const source = path.resolve(ctx.cwd, file);
    try {
      const options = importOptionsOf(args);
      const tenantId = await tenantIdOf(ctx, args);
      if (args.values.preview === true) return await previewImport(ctx.db, { tenantId, workflow, source, options });
      const fileName = path.basename(source);
      return await auditedImport(ctx.db, {
        tenantId,
        workflow,
        source,
        fileName,
        options,
        actor: ctx.actor,
        onProgress: progressReporter(fileName, ctx.progress),
      });
    } catch (err) {
      if (err instanceof ImportFileError) throw new CliError(`${file}: ${err.message}`);
      if (err instanceof Error && "code" in err && err.code === "ENOENT") throw new CliError(`${file}: no such file`);
      throw err;
    }
  },
  format: (r) => ("status" in r ? formatSummary(r) : formatPreview(r)),
});
