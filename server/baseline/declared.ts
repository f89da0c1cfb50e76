import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { workflowName } from "@/ingest/baseline/import-baseline";
import { audit } from "@/server/audit";

/**
 * A time study for a workflow with no usable data ("an intake takes a paralegal 45 minutes, 120 times
 * a month"), DESIGN.md §2 declared baselines. Minutes per run may be given by role; the total is their sum.
 */
export const declaredBaselineInput = z
  .object({
    workflow: workflowName,
    minutesPerRun: z.number().nonnegative().optional(),
    minutesByRole: z.record(z.string().min(1), z.number().nonnegative()).default({}),
    runsPerMonth: z.number().nonnegative(),
    exceptionShare: z.number().min(0).max(1),
    cycleHours: z.number().nonnegative().optional(),
    method: z.string().trim().min(1, "say how the numbers were obtained (e.g. time study, interviews)").max(500),
    author: z.string().trim().min(1).max(200),
    studyDate: z.iso.date(),
    notes: z.string().max(2000).default(""),
  })
  .refine((d) => d.minutesPerRun !== undefined || Object.keys(d.minutesByRole).length > 0, {
    message: "give minutes per run, or minutes by role",
    path: ["minutesPerRun"],
  });
export type DeclaredBaselineInput = z.input<typeof declaredBaselineInput>;

export const declaredBaselineRow = z.object({
  declared_id: z.string(),
  workflow: z.string(),
  minutes_per_run: z.number(),
  minutes_by_role: z.string().transform((s) => z.record(z.string(), z.number()).catch({}).parse(JSON.parse(s || "{}"))),
  runs_per_month: z.number(),
  exception_share: z.number(),
  cycle_hours: z.number().nullable(),
  method: z.string(),
  author: z.string(),
  study_date: z.string(),
  notes: z.string(),
  created_by: z.string(),
  created_at: z.string(),
});
export type DeclaredBaseline = z.infer<typeof declaredBaselineRow>;

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

/** Records a time study (a new row each time; the newest is the one a lock uses) and audits it. */
export async function declareBaseline(db: Db, tenantId: string, actor: string, input: DeclaredBaselineInput): Promise<DeclaredBaseline> {
  const parsed = declaredBaselineInput.safeParse(input);
  if (!parsed.success) throw new BaselineError(`Invalid time study: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const d = parsed.data;
  const byRoleTotal = Object.values(d.minutesByRole).reduce((a, b) => a + b, 0);
  const minutes = d.minutesPerRun ?? byRoleTotal;
  if (d.minutesPerRun !== undefined && Object.keys(d.minutesByRole).length > 0 && Math.abs(byRoleTotal - d.minutesPerRun) > 1e-9) {
    throw new BaselineError(`Minutes by role add up to ${byRoleTotal}, not the ${d.minutesPerRun} minutes per run given`);
  }
  const declared_id = randomUUID();
  await db.insert("declared_baselines", [
    {
      tenant_id: tenantId,
      workflow: d.workflow,
      declared_id,
      minutes_per_run: minutes,
      minutes_by_role: JSON.stringify(d.minutesByRole),
      runs_per_month: d.runsPerMonth,
      exception_share: d.exceptionShare,
      cycle_hours: d.cycleHours ?? null,
      method: d.method,
      author: d.author,
      study_date: d.studyDate,
      notes: d.notes,
      created_by: actor,
    },
  ]);
  await audit(db, {
    tenantId,
    actorId: actor,
    kind: "change",
    action: "baseline.declare",
    inputSummary: `workflow=${d.workflow} minutes=${minutes} runs/month=${d.runsPerMonth} exceptions=${d.exceptionShare}`,
    result: "ok",
    detail: declared_id,
  });
  const saved = await latestDeclaredBaseline(db, tenantId, d.workflow);
  if (!saved) throw new BaselineError("The time study was not readable after saving it");
  return saved;
}

/** The newest time study of a workflow, if any. */
export async function latestDeclaredBaseline(db: Db, tenantId: string, workflow: string): Promise<DeclaredBaseline | undefined> {
  const rows = await db.query(
    `SELECT declared_id, workflow, minutes_per_run, minutes_by_role, runs_per_month, exception_share, cycle_hours,
            method, author, toString(study_date) AS study_date, notes, created_by, toString(created_at) AS created_at
     FROM declared_baselines
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
     ORDER BY created_at DESC
     LIMIT 1`,
    { tenant: tenantId, workflow },
    declaredBaselineRow,
  );
  return rows[0];
}
