import { z } from "zod";
import { type Db, fromClickHouseTime } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { BaselineError, latestDeclaredBaseline } from "./declared";
import { freezeBaselineRuns, frozenVersionFigures } from "@/metrics/locked-baseline";
import { type MeasuredBaseline, measuredBaseline, toMeasured } from "./measured-baseline";

export const lockRow = z.object({
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
  window_from: z.string().nullable(),
  window_to: z.string().nullable(),
  provenance: z.string().transform((s) => z.record(z.string(), z.unknown()).catch({}).parse(JSON.parse(s || "{}"))),
  reason: z.string(),
  locked_by: z.string(),
  locked_at: z.string(),
});
export type BaselineLockVersion = z.infer<typeof lockRow>;

const COLUMNS = `workflow, version, toString(go_live_date) AS go_live_date, method, n, p50_hours, p90_hours, mean_hours,
  mean_human_minutes, exception_rate, toString(window_from) AS window_from, toString(window_to) AS window_to,
  provenance, reason, locked_by, toString(locked_at) AS locked_at`;

/** The version metrics must cite: the highest version of the workflow's lock (migration 0001). */
export async function latestBaselineLock(db: Db, tenantId: string, workflow: string): Promise<BaselineLockVersion | undefined> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM baseline_locks WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
     ORDER BY version DESC, locked_at DESC LIMIT 1`,
    { tenant: tenantId, workflow },
    lockRow,
  );
  return rows[0];
}

/** Every version, newest first, for the audit trail of a baseline. */
export async function baselineLockHistory(db: Db, tenantId: string, workflow: string): Promise<BaselineLockVersion[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM baseline_locks WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
     ORDER BY version DESC, locked_at DESC`,
    { tenant: tenantId, workflow },
    lockRow,
  );
}

const importRow = z.object({
  import_id: z.string(),
  file_name: z.string(),
  checksum: z.string(),
  runs: z.coerce.number(),
  imported_by: z.string(),
  imported_at: z.string(),
});

export interface LockRequest {
  tenantId: string;
  workflow: string;
  /** YYYY-MM-DD; runs that started before this day (UTC) are the baseline. */
  goLiveDate: string;
  actor: string;
  /** Required for every version after the first (DESIGN.md §3: a later change is an audited new version). */
  reason?: string;
}

function goLiveOf(goLiveDate: string): Date {
  const goLive = new Date(`${goLiveDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(goLiveDate) || Number.isNaN(goLive.getTime())) throw new BaselineError(`Invalid go-live date "${goLiveDate}" (expected YYYY-MM-DD)`);
  return goLive;
}

/**
 * The figures a lock would freeze now, with where they come from; writes nothing. `frozen` gives the
 * measured side from runs already frozen for a version (what `lockBaseline` stores).
 */
export async function computeBaseline(db: Db, tenantId: string, workflow: string, goLiveDate: string, frozen?: MeasuredBaseline) {
  const goLive = goLiveOf(goLiveDate);
  const [measured, declared] = await Promise.all([frozen ?? measuredBaseline(db, tenantId, workflow, goLive), latestDeclaredBaseline(db, tenantId, workflow)]);
  const imports = measured.import_ids.length
    ? await db.query(
        `SELECT import_id, file_name, checksum, runs, imported_by, toString(imported_at) AS imported_at
         FROM baseline_imports FINAL
         WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND import_id IN {ids:Array(String)}
         ORDER BY imported_at`,
        { tenant: tenantId, workflow, ids: measured.import_ids },
        importRow,
      )
    : [];
  const study = declared && {
    declared_id: declared.declared_id,
    method: declared.method,
    author: declared.author,
    study_date: declared.study_date,
    minutes_per_run: declared.minutes_per_run,
  };
  if (measured.n > 0) {
    // Logs rarely record effort; then B comes from the time study (DESIGN.md §3.3), and says so.
    const minutesFromStudy = measured.runs_with_minutes === 0 && declared !== undefined;
    return {
      method: "measured" as const,
      n: measured.n,
      p50_hours: measured.p50_hours,
      p90_hours: measured.p90_hours,
      mean_hours: measured.mean_hours,
      mean_human_minutes: minutesFromStudy ? declared.minutes_per_run : measured.runs_with_minutes > 0 ? measured.mean_human_minutes : null,
      exception_rate: measured.exception_rate,
      window_from: measured.window_from,
      window_to: measured.window_to,
      provenance: {
        runs_before: goLiveDate,
        imports,
        instrumented_runs: measured.instrumented_runs,
        human_minutes_from: minutesFromStudy ? "declared" : measured.runs_with_minutes > 0 ? "measured" : "none",
        ...(minutesFromStudy ? { time_study: study } : {}),
      },
    };
  }
  if (declared) {
    return {
      method: "declared" as const,
      n: 0,
      p50_hours: declared.cycle_hours,
      p90_hours: null,
      mean_hours: declared.cycle_hours,
      mean_human_minutes: declared.minutes_per_run,
      exception_rate: declared.exception_share,
      window_from: null,
      window_to: null,
      provenance: { runs_before: goLiveDate, time_study: { ...study, runs_per_month: declared.runs_per_month, notes: declared.notes } },
    };
  }
  return undefined;
}
export type BaselineFigures = NonNullable<Awaited<ReturnType<typeof computeBaseline>>>;

/**
 * Freezes the workflow's baseline as a new version. The first version needs no reason; any later one
 * does, and every version is written to the audit log. Data imported afterwards changes nothing
 * until someone locks again.
 */
export async function lockBaseline(db: Db, req: LockRequest): Promise<BaselineLockVersion> {
  const current = await latestBaselineLock(db, req.tenantId, req.workflow);
  const reason = req.reason?.trim() ?? "";
  if (current && !reason) {
    throw new BaselineError(
      `The baseline of ${req.workflow} is locked (version ${current.version}, go-live ${current.go_live_date}); ` +
        `creating a new version needs a reason (--reason "...")`,
    );
  }
  const version = (current?.version ?? 0) + 1;
  // The runs are frozen first and the figures computed from the frozen rows, so what the lock row
  // says is exactly what its runs give, even while data keeps arriving.
  await freezeBaselineRuns(db, req.tenantId, req.workflow, version, goLiveOf(req.goLiveDate));
  const frozen = toMeasured(await frozenVersionFigures(db, req.tenantId, req.workflow, version));
  const figures = await computeBaseline(db, req.tenantId, req.workflow, req.goLiveDate, frozen);
  if (!figures) {
    throw new BaselineError(
      `No baseline for ${req.workflow}: no baseline runs before ${req.goLiveDate} and no time study. ` +
        `Import a legacy export (plumbline import) or declare one (plumbline baseline declare).`,
    );
  }
  const at = (s: string | null) => (s ? fromClickHouseTime(s) : null);
  await db.insert("baseline_locks", [
    {
      tenant_id: req.tenantId,
      workflow: req.workflow,
      version,
      go_live_date: req.goLiveDate,
      method: figures.method,
      n: figures.n,
      p50_hours: figures.p50_hours,
      p90_hours: figures.p90_hours,
      mean_hours: figures.mean_hours,
      mean_human_minutes: figures.mean_human_minutes,
      exception_rate: figures.exception_rate,
      window_from: at(figures.window_from),
      window_to: at(figures.window_to),
      provenance: JSON.stringify({ ...figures.provenance, locked_by: req.actor, locked_at: new Date().toISOString() }),
      reason: reason || "go-live",
      locked_by: req.actor,
    },
  ]);
  await audit(db, {
    tenantId: req.tenantId,
    actorId: req.actor,
    kind: "change",
    action: "baseline.lock",
    inputSummary: `workflow=${req.workflow} go_live=${req.goLiveDate} version=${version}`,
    result: "ok",
    detail: current
      ? `new version ${version} replaces ${current.version} (p50 ${current.p50_hours} → ${figures.p50_hours} h, n ${current.n} → ${figures.n}): ${reason}`
      : `version 1, ${figures.method}, n=${figures.n}`,
  });
  const saved = await latestBaselineLock(db, req.tenantId, req.workflow);
  if (!saved || saved.version !== version) throw new BaselineError("The baseline lock was not readable after writing it");
  return saved;
}
