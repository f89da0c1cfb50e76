import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/**
 * Reading the audit log (written by server/audit.ts): one filter for the page, the tRPC list and the
 * CSV export, so the download holds exactly the rows the page filtered.
 */
export const auditFilter = z
  .object({
    from: z.coerce.date().optional(),
    /** Exclusive. */
    to: z.coerce.date().optional(),
    actor: z.string().trim().max(254).optional(),
    action: z.string().trim().max(200).optional(),
    result: z.enum(["ok", "denied", "error"]).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "The date range is inverted: 'from' must be before 'to'.", path: ["to"] });
export type AuditFilter = z.infer<typeof auditFilter>;

export const auditRow = z.object({
  time: z.string(),
  event_id: z.string(),
  actor_id: z.string(),
  actor_email: z.string(),
  kind: z.string(),
  action: z.string(),
  input_summary: z.string(),
  result: z.string(),
  detail: z.string(),
  ip: z.string(),
});
export type AuditRow = z.infer<typeof auditRow>;

/** Where a page ends: the last row's time (epoch ms) and id; the next page starts after it. */
export const auditCursor = z.string().regex(/^\d{1,15}:[0-9a-f-]{1,64}$/, "is not a page cursor");

/** The cursor of the page after `row` (rows are newest first). */
export function cursorAfter(row: AuditRow): string {
  return `${Date.parse(`${row.time.replace(" ", "T")}Z`)}:${row.event_id}`;
}

// Newest first; ties on the millisecond broken by event id, so pages neither skip nor repeat rows.
const SELECT = `
  SELECT toString(at) AS time, event_id, actor_id, actor_email, toString(kind) AS kind, action, input_summary,
         toString(result) AS result, detail, ip, toUnixTimestamp64Milli(at) AS at_ms
  FROM audit_log
  WHERE tenant_id = {tenant:String}
    AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}
    AND ({actor:String} = '' OR actor_id = {actor:String} OR actor_email = {actor:String})
    AND ({action:String} = '' OR action = {action:String})
    AND ({result:String} = '' OR toString(result) = {result:String})
    AND ({afterMs:Int64} < 0 OR at_ms < {afterMs:Int64} OR (at_ms = {afterMs:Int64} AND event_id < {afterId:String}))
  ORDER BY at DESC, event_id DESC`;

function params(tenantId: string, f: AuditFilter, after?: string) {
  const [ms, id] = after ? after.split(":") : ["-1", ""];
  return {
    tenant: tenantId,
    from: f.from ?? new Date(0),
    to: f.to ?? new Date(Date.now() + 60_000),
    actor: f.actor ?? "",
    action: f.action ?? "",
    result: f.result ?? "",
    afterMs: Number(ms),
    afterId: id ?? "",
  };
}

/** The tenant's filtered audit events, newest first: `limit` of them after `cursor` (from the start without). */
export async function auditEvents(db: Db, tenantId: string, f: AuditFilter, limit: number, cursor?: string): Promise<AuditRow[]> {
  return db.query(`${SELECT} LIMIT {limit:UInt32}`, { ...params(tenantId, f, cursor), limit }, auditRow);
}

/**
 * Every filtered event as JSONEachRow bytes while the engine produces them (the CSV export), so the
 * whole log is never held in memory. Each line also carries `at_ms`, which `auditRow` drops.
 */
export function auditEventStream(db: Db, tenantId: string, f: AuditFilter): AsyncIterable<Uint8Array> {
  return db.stream(SELECT, params(tenantId, f));
}
