import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fromClickHouseTime, type Db } from "@/clickhouse/client";
import { WORKFLOW_SCOPE_SQL, workflowScope } from "../trpc";

export const queueState = z.enum(["new", "acknowledged", "assigned", "resolved"]);
export type QueueState = z.infer<typeof queueState>;

const time = z.string().transform((s) => fromClickHouseTime(s).toISOString());
const itemRow = z.object({
  workflow: z.string(),
  run_id: z.string(),
  reason: z.string(),
  opened_at: time,
  sla_minutes: z.coerce.number(),
  state: queueState,
  assignee: z.string(),
  last_note: z.string(),
  actions: z.coerce.number(),
});
export type QueueRow = z.output<typeof itemRow>;

export interface QueueItem extends QueueRow {
  age_minutes: number;
  /** Minutes left before the SLA is breached; negative once breached; null without an SLA. */
  sla_left_minutes: number | null;
}

export interface QueueFilter {
  tenantId: string;
  workflows: string[] | null;
  workflow?: string;
  states: QueueState[];
  from: Date;
  to: Date;
  limit: number;
}

// An exception is a live run with outcome 'exception' or any step flagged as an intervention (the same
// definition as metrics/compliance.ts). Its state is folded from the append-only exception_actions:
// resolved when the newest resolve/reopen is a resolve, else assigned, acknowledged or new.
const QUEUE_SQL = `
  SELECT e.workflow AS workflow, e.run_id AS run_id, e.reason AS reason, toString(e.opened_at) AS opened_at,
         ifNull(s.sla, 0) AS sla_minutes,
         multiIf(a.closing = 'resolve', 'resolved', a.assignee != '', 'assigned', a.acks > 0, 'acknowledged', 'new') AS state,
         ifNull(a.assignee, '') AS assignee, ifNull(a.last_note, '') AS last_note, ifNull(a.actions, 0) AS actions
  FROM (
    SELECT workflow, run_id, min(at) AS opened_at, anyIf(reason, reason != '') AS reason FROM (
      SELECT workflow, run_id, end_time AS at, toString(exception_reason) AS reason FROM runs
      WHERE tenant_id = {tenant:String} AND ${WORKFLOW_SCOPE_SQL} AND phase = 'live' AND outcome = 'exception'
        AND end_time >= {from:DateTime64(3)} AND end_time < {to:DateTime64(3)}
      UNION ALL
      SELECT workflow, run_id, end_time AS at, toString(intervention_reason) AS reason FROM steps
      WHERE tenant_id = {tenant:String} AND ${WORKFLOW_SCOPE_SQL} AND phase = 'live' AND intervention = 1
        AND end_time >= {from:DateTime64(3)} AND end_time < {to:DateTime64(3)}
    )
    WHERE {one:String} = '' OR workflow = {one:String}
    GROUP BY workflow, run_id
  ) AS e
  LEFT JOIN (
    SELECT run_id, argMaxIf(toString(action), at, action IN ('resolve', 'reopen')) AS closing,
           argMaxIf(assignee, at, action = 'assign') AS assignee, countIf(action = 'acknowledge') AS acks,
           argMaxIf(note, at, note != '') AS last_note, count() AS actions
    FROM exception_actions WHERE tenant_id = {tenant:String} GROUP BY run_id
  ) AS a ON a.run_id = e.run_id
  LEFT JOIN (
    SELECT workflow, argMax(exception_sla_minutes, updated_at) AS sla FROM workflows
    WHERE tenant_id = {tenant:String} GROUP BY workflow
  ) AS s ON s.workflow = e.workflow
  WHERE state IN {states:Array(String)}
  ORDER BY e.opened_at ASC
  LIMIT {limit:UInt32}`;

/** The queue as of `now`: oldest first, with age and SLA countdown computed against the same clock. */
export async function exceptionQueue(db: Db, f: QueueFilter, now = new Date()): Promise<QueueItem[]> {
  const rows = await db.query(
    QUEUE_SQL,
    { tenant: f.tenantId, ...workflowScope(f.workflows), one: f.workflow ?? "", states: f.states, from: f.from, to: f.to, limit: f.limit },
    itemRow,
  );
  return rows.map((r) => {
    const age = Math.max(0, (now.getTime() - Date.parse(r.opened_at)) / 60_000);
    return { ...r, age_minutes: Math.round(age), sla_left_minutes: r.sla_minutes > 0 ? Math.round(r.sla_minutes - age) : null };
  });
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
      note: a.note ?? "",
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
