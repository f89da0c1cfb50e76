import { type BaselineImport, listBaselineImports } from "@/ingest/baseline/list-imports";
import { pendingRevision } from "@/metrics/locked-baseline";
import { BaselineError, type DeclaredBaseline, declareBaseline, latestDeclaredBaseline } from "@/server/baseline/declared";
import { type BaselineFigures, type BaselineLockVersion, baselineLockHistory, computeBaseline } from "@/server/baseline/lock";
import { getWorkflowSettings, setGoLive } from "@/server/baseline/workflow-settings";
import { CliError, defineCommand, requireOpt, stringOpt, type ParsedArgs } from "../command";
import { tenantIdOf } from "./import";

const number = (args: ParsedArgs, name: string): number | undefined => {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got "${v}"`, 2);
  return n;
};

/** `paralegal=30,attorney=15` → { paralegal: 30, attorney: 15 }. */
function roles(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of (text ?? "").split(",").filter(Boolean)) {
    const [role, minutes] = pair.split("=").map((s) => s.trim());
    const n = Number(minutes);
    if (!role || minutes === undefined || !Number.isFinite(n)) throw new CliError(`--role expects role=minutes pairs, got "${pair}"`, 2);
    out[role] = n;
  }
  return out;
}

const userError = (err: unknown): never => {
  if (err instanceof BaselineError) throw new CliError(err.message);
  throw err;
};

const hours = (h: number | null) => (h === null ? "—" : `${h.toFixed(2)} h`);
const share = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const minutes = (m: number | null) => (m === null ? "—" : `${m.toFixed(1)} min`);

function describeLock(l: BaselineLockVersion): string {
  return (
    `version ${l.version} (${l.method}, go-live ${l.go_live_date}, locked by ${l.locked_by} at ${l.locked_at}, reason: ${l.reason})\n` +
    `  n ${l.n}, p50 ${hours(l.p50_hours)}, p90 ${hours(l.p90_hours)}, mean ${hours(l.mean_hours)}, ` +
    `human ${minutes(l.mean_human_minutes)}/run, exceptions ${share(l.exception_rate)}`
  );
}

export const baselineDeclare = defineCommand({
  name: "baseline declare",
  summary: "Declare a time study as the baseline of a workflow with no data",
  usage:
    "plumbline baseline declare --workflow <w> (--minutes <m> | --role paralegal=30,attorney=15) --runs-per-month <n> " +
    '--exception-share <0..1> --method "<how>" --author "<who>" --date <YYYY-MM-DD> [--cycle-hours <h>] [--notes "..."] [--tenant <slug>]',
  options: {
    workflow: { type: "string" },
    tenant: { type: "string" },
    minutes: { type: "string" },
    role: { type: "string" },
    "runs-per-month": { type: "string" },
    "exception-share": { type: "string" },
    "cycle-hours": { type: "string" },
    method: { type: "string" },
    author: { type: "string" },
    date: { type: "string" },
    notes: { type: "string" },
  },
  async run(ctx, args) {
    const tenantId = await tenantIdOf(ctx, args);
    return declareBaseline(ctx.db, tenantId, ctx.actor, {
      workflow: requireOpt(args, "workflow"),
      minutesPerRun: number(args, "minutes"),
      minutesByRole: roles(stringOpt(args, "role")),
      runsPerMonth: number(args, "runs-per-month") ?? Number.NaN,
      exceptionShare: number(args, "exception-share") ?? Number.NaN,
      cycleHours: number(args, "cycle-hours"),
      method: stringOpt(args, "method") ?? "",
      author: stringOpt(args, "author") ?? "",
      studyDate: stringOpt(args, "date") ?? "",
      notes: stringOpt(args, "notes"),
    }).catch(userError);
  },
  format: (d: DeclaredBaseline) =>
    `Declared a time study for ${d.workflow}: ${d.minutes_per_run} min/run, ${d.runs_per_month} runs/month, ` +
    `${share(d.exception_share)} exceptions (${d.method}, ${d.author}, ${d.study_date}).`,
});

export const baselineLock = defineCommand({
  name: "baseline lock",
  summary: "Set a workflow's go-live date and freeze its baseline (a new version needs --reason)",
  usage: 'plumbline baseline lock --workflow <w> --go-live <YYYY-MM-DD> [--reason "..."] [--tenant <slug>]',
  options: { workflow: { type: "string" }, tenant: { type: "string" }, "go-live": { type: "string" }, reason: { type: "string" } },
  async run(ctx, args) {
    const tenantId = await tenantIdOf(ctx, args);
    return setGoLive(ctx.db, {
      tenantId,
      workflow: requireOpt(args, "workflow"),
      goLiveDate: requireOpt(args, "go-live"),
      actor: ctx.actor,
      reason: stringOpt(args, "reason"),
    }).catch(userError);
  },
  format: (r: Awaited<ReturnType<typeof setGoLive>>) =>
    `${r.changed ? "Locked" : "Already locked, unchanged:"} baseline of ${r.settings.workflow} ${describeLock(r.lock)}`,
});

interface Shown {
  workflow: string;
  goLiveDate: string | null;
  lock: BaselineLockVersion | null;
  history: BaselineLockVersion[];
  /** What a lock would freeze with today's data (cut at go-live, or now when none is set). */
  current: BaselineFigures | null;
  declared: DeclaredBaseline | null;
  imports: BaselineImport[];
  /** Baseline runs stored after the cited lock that it does not hold (they change no comparison). */
  pending: { version: number; runs: number } | null;
}

export const baselineShow = defineCommand({
  name: "baseline show",
  summary: "Show a workflow's locked baseline, its versions, imports and time study",
  usage: "plumbline baseline show --workflow <w> [--tenant <slug>] [--json]",
  options: { workflow: { type: "string" }, tenant: { type: "string" } },
  async run(ctx, args): Promise<Shown> {
    const tenantId = await tenantIdOf(ctx, args);
    const workflow = requireOpt(args, "workflow");
    const [settings, history, declared, imports, pending] = await Promise.all([
      getWorkflowSettings(ctx.db, tenantId, workflow),
      baselineLockHistory(ctx.db, tenantId, workflow),
      latestDeclaredBaseline(ctx.db, tenantId, workflow),
      listBaselineImports(ctx.db, tenantId, workflow),
      pendingRevision(ctx.db, tenantId, workflow),
    ]);
    const goLiveDate = settings?.go_live_date ?? null;
    const cut = goLiveDate ?? new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const current = (await computeBaseline(ctx.db, tenantId, workflow, cut).catch(userError)) ?? null;
    return { workflow, goLiveDate, lock: history[0] ?? null, history, current, declared: declared ?? null, imports, pending };
  },
  format: (s: Shown) => {
    const lines = [`Workflow ${s.workflow}, go-live ${s.goLiveDate ?? "not set"}`];
    lines.push(s.lock ? `Locked baseline ${describeLock(s.lock)}` : "Baseline not locked yet (plumbline baseline lock --workflow <w> --go-live <date>).");
    if (s.pending && s.pending.runs > 0) {
      lines.push(`Pending revision: ${s.pending.runs} baseline runs stored since version ${s.pending.version} are not in it; comparisons still cite version ${s.pending.version} until you lock again (--reason).`);
    }
    if (s.history.length > 1) lines.push(`Earlier versions: ${s.history.slice(1).map((v) => `${v.version} (${v.locked_at}, ${v.reason})`).join("; ")}`);
    if (s.current) {
      lines.push(
        `With today's data: ${s.current.method}, n ${s.current.n}, p50 ${hours(s.current.p50_hours)}, p90 ${hours(s.current.p90_hours)}, ` +
          `human ${minutes(s.current.mean_human_minutes)}/run, exceptions ${share(s.current.exception_rate)}`,
      );
    }
    if (s.declared) lines.push(`Time study: ${s.declared.minutes_per_run} min/run, ${s.declared.runs_per_month} runs/month (${s.declared.method}, ${s.declared.author}, ${s.declared.study_date})`);
    lines.push(s.imports.length ? "Imports:" : "No imports.");
    for (const i of s.imports) lines.push(`  ${i.imported_at}  ${i.file_name}  ${i.runs} runs, ${i.rows_skipped} skipped, by ${i.imported_by}  sha256:${i.checksum.slice(0, 12)}…`);
    return lines.join("\n");
  },
});

export const baselineCommands = [baselineDeclare, baselineLock, baselineShow];
