import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fromClickHouseTime, type Db } from "@/clickhouse/client";
import { maskPersonal } from "@/ingest/otlp/personal-data";
import { type ExceptionWindow, exceptionItemsParams, exceptionItemsSql } from "@/metrics/open-exception";
import { WORKFLOW_SCOPE_SQL, workflowScope } from "../trpc";

export const queueState = z.enum(["new", "acknowledged", "assigned", "resolved"]);
export type QueueState = z.infer<typeof queueState>;

const time = z.string().transform((s) => fromClickHouseTime(s).toISOString());
const itemRow = z.object({
  workflow: z.string(),
  run_id: z.string(),
  reason: z.string(),
  opened_at: time,
  resolved_at: time.nullable(),
  sla_minutes: z.coerce.number(),
  state: queueState,
  assignee: z.string(),
  last_note: z.string(),
  actions: z.coerce.number(),
  age_minutes: z.number(),
});

export interface QueueItem extends z.output<typeof itemRow> {
  /** Minutes left before the SLA is breached (at resolution, for a resolved item); negative once breached; null without an SLA. */
  sla_left_minutes: number | null;
}

export interface QueueFilter {
  /** Scope and opening window: the same `scopeOf` window the metrics and the evidence pack use. */
  window: ExceptionWindow;
  states: QueueState[];
  /** Null lists every item (the evidence pack's complete file). */
  limit: number | null;
}

// Items, state and SLA age are metrics/open-exception.ts's definition; the queue only filters and orders.
const QUEUE_SQL = (limited: boolean) => `
  SELECT workflow, run_id, reason, toString(opened_at) AS opened_at, if(resolved_at IS NULL, NULL, toString(resolved_at)) AS resolved_at,
         sla_minutes, state, assignee, last_note, actions, age_minutes
  FROM (${exceptionItemsSql()})
  WHERE state IN {states:Array(String)}
  ORDER BY opened_at ASC, workflow, run_id
  ${limited ? "LIMIT {limit:UInt32}" : ""}`;

/** The queue as of the window's `asOf`: oldest first, with SLA age and countdown from the shared definition. */
export async function exceptionQueue(db: Db, f: QueueFilter): Promise<QueueItem[]> {
  const rows = await db.query(QUEUE_SQL(f.limit !== null), { ...exceptionItemsParams(f.window), states: f.states, limit: f.limit ?? 0 }, itemRow);
  return rows.map((r) => ({
    ...r,
    age_minutes: Math.round(r.age_minutes),
    sla_left_minutes: r.sla_minutes > 0 ? Math.round(r.sla_minutes - r.age_minutes) : null,
  }));
}

const ownerRow = z.object({ workflow: z.string() });

/** The workflow an exception belongs to, if the run is a live exception the caller may see. */
export async function exceptionWorkflow(db: Db, tenantId: string, workflows: string[] | null, runId: string): Promise<string | undefined> {
  const rows = await db.query(
    `SELECT workflow FROM (
       SELECT workflow FROM runs WHERE tenant_id = {tenant:String} AND run_id = {run:String} AND phase = 'live' AND outcome = 'exception'
       UNION ALL
       SELECT workflow FROM steps WHERE tenant_id = {tenant:String} AND run_id = {run:String} AND phase = 'live' AND intervention = 1
     ) WHERE ${WORKFLOW_SCOPE_SQL} LIMIT 1`,
    { tenant: tenantId, run: runId, ...workflowScope(workflows) },
    ownerRow,
  );
  return rows[0]?.workflow;
}

export type QueueAction = "acknowledge" | "assign" | "resolve" | "reopen" | "comment";

/** Appends one action; the queue state is always folded from these rows, never updated in place. */
export async function appendAction(
  db: Db,
  a: { tenantId: string; workflow: string; runId: string; action: QueueAction; actorId: string; actorEmail: string; assignee?: string; note?: string },
): Promise<string> {
  const actionId = randomUUID();
  await db.insert("exception_actions", [
    {
      tenant_id: a.tenantId,
      workflow: a.workflow,
      run_id: a.runId,
      action_id: actionId,
      action: a.action,
      actor_id: a.actorId,
      actor_email: a.actorEmail,
      assignee: a.assignee ?? "",
      // A note is free text a member types about a case: it is masked as ingest masks reasons
      // (docs/conventions.md, "Privacy"), since it is stored and exported with the tenant's data.
      note: maskPersonal(a.note ?? ""),
      at: new Date(),
    },
  ]);
  return actionId;
}

const historyRow = z.object({ action: z.string(), actor_email: z.string(), assignee: z.string(), note: z.string(), at: time });

export async function actionHistory(db: Db, tenantId: string, runId: string): Promise<z.output<typeof historyRow>[]> {
  return db.query(
    `SELECT toString(action) AS action, actor_email, assignee, note, toString(at) AS at FROM exception_actions
     WHERE tenant_id = {tenant:String} AND run_id = {run:String} ORDER BY at, action_id`,
    { tenant: tenantId, run: runId },
    historyRow,
  );
}
