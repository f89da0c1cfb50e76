import { z } from "zod";
import { auditCursor, auditFilter, type AuditFilter } from "@/server/audit-events";

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const text = (max: number) => z.preprocess(one, z.string().trim().max(max).optional()).catch(undefined);
const day = z.preprocess(one, z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional()).catch(undefined);

/** What the audit page's URL may carry: the filter form's fields (days, as typed) and a page cursor. */
const pageParams = z.object({
  tenant: text(100),
  actor: text(254),
  action: text(200),
  result: z.preprocess(one, z.enum(["ok", "denied", "error"]).optional()).catch(undefined),
  from: day,
  to: day,
  cursor: z.preprocess(one, auditCursor.optional()).catch(undefined),
});
export type AuditPageParams = z.infer<typeof pageParams>;

const DAY_MS = 86_400_000;

/**
 * The page's filter for the procedures: whole UTC days, `to` inclusive (so it becomes the next day's
 * start, exclusive). An inverted range is refused with the schema's own sentence.
 */
export function auditQuery(raw: Record<string, string | string[] | undefined>): { params: AuditPageParams; filter: AuditFilter | null; error: string | null } {
  const params = pageParams.parse(raw);
  const parsed = auditFilter.safeParse({
    actor: params.actor || undefined,
    action: params.action || undefined,
    result: params.result,
    from: params.from ? new Date(`${params.from}T00:00:00Z`) : undefined,
    to: params.to ? new Date(Date.parse(`${params.to}T00:00:00Z`) + DAY_MS) : undefined,
  });
  if (!parsed.success) return { params, filter: null, error: parsed.error.issues.map((i) => i.message).join(" ") };
  return { params, filter: parsed.data, error: null };
}

/** The CSV export's address for exactly this filter (app/api/audit/export). */
export function exportHref(tenant: string, f: AuditFilter): string {
  const q = new URLSearchParams({ tenant });
  if (f.from) q.set("from", f.from.toISOString());
  if (f.to) q.set("to", f.to.toISOString());
  if (f.actor) q.set("actor", f.actor);
  if (f.action) q.set("action", f.action);
  if (f.result) q.set("result", f.result);
  return `/api/audit/export?${q.toString()}`;
}
