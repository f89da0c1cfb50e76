import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { router, tenantProcedure } from "../trpc";

export const auditFilter = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  actor: z.string().max(254).optional(),
  action: z.string().max(200).optional(),
});

const auditRow = z.object({
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

/** This tenant's audit events, newest first. Filters are optional; empty strings match everything. */
export async function auditEvents(db: Db, tenantId: string, f: z.infer<typeof auditFilter>, limit: number): Promise<AuditRow[]> {
  return db.query(
    `SELECT toString(at) AS time, event_id, actor_id, actor_email, toString(kind) AS kind, action, input_summary,
            toString(result) AS result, detail, ip
     FROM audit_log
     WHERE tenant_id = {tenant:String}
       AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}
       AND ({actor:String} = '' OR actor_id = {actor:String} OR actor_email = {actor:String})
       AND ({action:String} = '' OR action = {action:String})
     ORDER BY at DESC, event_id LIMIT {limit:UInt32}`,
    {
      tenant: tenantId,
      from: f.from ?? new Date(0),
      to: f.to ?? new Date(Date.now() + 60_000),
      actor: f.actor ?? "",
      action: f.action ?? "",
      limit,
    },
    auditRow,
  );
}

export const auditRouter = router({
  list: tenantProcedure("admin")
    .input(auditFilter.extend({ limit: z.number().int().min(1).max(1000).default(200) }))
    .query(({ ctx, input }) => auditEvents(ctx.db, ctx.tenant.id, input, input.limit)),
  /** The full log for the CSV export (app/api/audit/export); a separate name so the log shows exports. */
  export: tenantProcedure("admin")
    .input(auditFilter)
    .query(({ ctx, input }) => auditEvents(ctx.db, ctx.tenant.id, input, 1_000_000)),
});
