import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fromClickHouseTime, type Db } from "@/clickhouse/client";
import { maskPersonal } from "@/ingest/otlp/personal-data";
import { EXCEPTION_ITEMS } from "@/metrics/exception-items";
import { type ExceptionWindow, exceptionItemsParams, exceptionItemsSql, settleItems } from "@/metrics/open-exception";
import { settleRunFacts } from "@/metrics/run-facts";

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
  /** Only items after this one in queue order (oldest first): the next page. */
  after?: QueueCursor;
  /** Only items assigned to this e-mail ("assigned to me"), compared case-insensitively. */
  assignee?: string;
}

/** A position in the queue: its order is (opened_at, workflow, run_id), unique per item, so equal timestamps never skip or repeat an item. */
export const queueCursor = z.object({ opened_at: z.iso.datetime(), workflow: z.string().min(1), run_id: z.string().min(1) });
export type QueueCursor = z.infer<typeof queueCursor>;

/** The opaque cursor of an item, for a URL: base64url of its position. */
export function encodeCursor(item: QueueCursor): string {
  return Buffer.from(JSON.stringify([item.opened_at, item.workflow, item.run_id])).toString("base64url");
}

/** Reads a cursor back; undefined when it is not one of ours (a hand-edited URL), so the caller can say so. */
export function decodeCursor(text: string): QueueCursor | undefined {
  try {
    const parsed = z.tuple([z.string(), z.string(), z.string()]).parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    const r = queueCursor.safeParse({ opened_at: parsed[0], workflow: parsed[1], run_id: parsed[2] });
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

// Items, state and SLA age are metrics/open-exception.ts's definition; the queue only filters and orders.
const FILTER_SQL = (f: QueueFilter) => `
  FROM (${exceptionItemsSql()}) AS q
  WHERE state IN {states:Array(String)}
  ${f.assignee !== undefined ? "AND lower(assignee) = lower({assignee:String})" : ""}`;

// The list's order is (opened_at, workflow, run_id); with `totals`, every row also carries the filter's
// totals, counted over all its items before the cursor narrows to a page.
const LIST_SQL = (f: QueueFilter, totals = false) => `
  SELECT * FROM (
    SELECT workflow, run_id, reason, toString(opened_at) AS opened_at, if(resolved_at IS NULL, NULL, toString(resolved_at)) AS resolved_at,
           sla_minutes, state, assignee, last_note, actions, age_minutes, q.opened_at AS at
           ${totals ? ", count() OVER () AS total_items, countIf(is_past_sla) OVER () AS total_past_sla" : ""}
    ${FILTER_SQL(f)}
  )
  ${f.after ? "WHERE (at, workflow, run_id) > ({after_at:DateTime64(3)}, {after_wf:String}, {after_run:String})" : ""}
  ORDER BY at ASC, workflow, run_id
  ${f.limit !== null ? "LIMIT {limit:UInt32}" : ""}`;

function queueParams(f: QueueFilter) {
  return {
    ...exceptionItemsParams(f.window),
    states: f.states,
    limit: f.limit ?? 0,
    assignee: f.assignee ?? "",
    after_at: f.after ? new Date(f.after.opened_at) : new Date(0),
    after_wf: f.after?.workflow ?? "",
    after_run: f.after?.run_id ?? "",
  };
}

/** The queue as of the window's `asOf`: oldest first, with SLA age and countdown from the shared definition. */
export async function exceptionQueue(db: Db, f: QueueFilter): Promise<QueueItem[]> {
  await settleItems(db, f.window);
  const rows = await db.query(LIST_SQL(f), queueParams(f), itemRow);
  return rows.map(withSla);
}

function withSla(r: z.output<typeof itemRow>): QueueItem {
  return { ...r, age_minutes: Math.round(r.age_minutes), sla_left_minutes: r.sla_minutes > 0 ? Math.round(r.sla_minutes - r.age_minutes) : null };
}

const countRow = z.object({ items: z.coerce.number(), past_sla: z.coerce.number() });
export type QueueCount = z.output<typeof countRow>;

/** How many items the filter selects over all pages (the cursor and limit aside), and how many of them are past SLA. */
export async function exceptionQueueCount(db: Db, f: QueueFilter): Promise<QueueCount> {
  await settleItems(db, f.window);
  const [row] = await db.query(`SELECT count() AS items, countIf(is_past_sla) AS past_sla ${FILTER_SQL(f)}`, queueParams(f), countRow);
  return row ?? { items: 0, past_sla: 0 };
}

const pageRow = itemRow.extend({ total_items: z.coerce.number(), total_past_sla: z.coerce.number() });

/**
 * A page of the queue and its totals in one pass over the items, as the queue page shows them: the
 * list and the count each derived every item. Past the last page no row carries the totals, and they
 * are counted on their own.
 */
export async function exceptionQueuePage(db: Db, f: QueueFilter): Promise<{ items: QueueItem[]; count: QueueCount }> {
  await settleItems(db, f.window);
  const rows = await db.query(LIST_SQL(f, true), queueParams(f), pageRow);
  const first = rows[0];
  const count = first ? { items: first.total_items, past_sla: first.total_past_sla } : f.after ? await exceptionQueueCount(db, f) : { items: 0, past_sla: 0 };
  return { items: rows.map(({ total_items: _i, total_past_sla: _p, ...r }) => withSla(r)), count };
}

const ownerRow = z.object({ workflow: z.string() });
// An item opened at any time, even one stamped after now (a service's clock ahead of ours).
const ANY_TIME = new Date("2200-01-01T00:00:00Z");

/** The workflow an exception belongs to, if the run is a live exception item (any time) the caller may see. */
export async function exceptionWorkflow(db: Db, tenantId: string, workflows: string[] | null, runId: string): Promise<string | undefined> {
  await settleRunFacts(db, tenantId);
  const rows = await db.query(
    `SELECT workflow FROM ${EXCEPTION_ITEMS} LIMIT 1`,
    { tenant: tenantId, all_wf: workflows === null ? 1 : 0, wfs: workflows ?? [], ex_from: new Date(0), ex_to: ANY_TIME, as_of: ANY_TIME, ex_run: runId },
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
