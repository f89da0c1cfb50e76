import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import type { Actor } from "./rules";

export interface DigestSubscription {
  tenantId: string;
  userId: string;
  email: string;
}

const input = z.object({ userId: z.string().trim().min(1).max(200), email: z.email(), enabled: z.boolean() });
const row = z.object({ tenant_id: z.string(), user_id: z.string(), email: z.string() });

/** Opts a user in to (or out of) the weekly executive digest; audited like every configuration change. */
export async function setDigestSubscription(db: Db, actor: Actor, raw: z.input<typeof input>): Promise<void> {
  const s = input.parse(raw);
  await db.insert("digest_subscriptions", [
    { tenant_id: actor.tenantId, user_id: s.userId, email: s.email, enabled: s.enabled ? 1 : 0, updated_by: actor.actorId, updated_at: new Date() },
  ]);
  await audit(db, {
    tenantId: actor.tenantId,
    actorId: actor.actorId,
    actorEmail: actor.actorEmail,
    kind: "change",
    action: s.enabled ? "alerts.digest.subscribe" : "alerts.digest.unsubscribe",
    inputSummary: `user ${s.userId}`,
    result: "ok",
  });
}

// Aliases differ from column names so argMax reads the columns, not the aliases.
const LATEST = `
  SELECT tenant_id, user_id, last_email AS email FROM (
    SELECT tenant_id, user_id, argMax(email, updated_at) AS last_email FROM digest_subscriptions
    WHERE {all:UInt8} = 1 OR tenant_id = {tenant:String}
    GROUP BY tenant_id, user_id HAVING argMax(enabled, updated_at) = 1)
  ORDER BY tenant_id, user_id`;

/** Users who opted in; all tenants when `tenantId` is omitted (the weekly send). */
export async function digestSubscribers(db: Db, tenantId?: string): Promise<DigestSubscription[]> {
  const rows = await db.query(LATEST, { all: tenantId ? 0 : 1, tenant: tenantId ?? "" }, row);
  return rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id, email: r.email }));
}

const mine = z.object({ last_enabled: z.coerce.number(), last_email: z.string() });

/** Whether `userId` gets the tenant's digest, and at which address (their latest choice; none = not subscribed). */
export async function digestSubscription(db: Db, tenantId: string, userId: string): Promise<{ subscribed: boolean; email: string | null }> {
  const rows = await db.query(
    `SELECT argMax(enabled, updated_at) AS last_enabled, argMax(email, updated_at) AS last_email FROM digest_subscriptions
     WHERE tenant_id = {tenant:String} AND user_id = {user:String} GROUP BY user_id`,
    { tenant: tenantId, user: userId },
    mine,
  );
  const r = rows[0];
  return r && r.last_enabled === 1 ? { subscribed: true, email: r.last_email } : { subscribed: false, email: null };
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** When the digest goes out (PLUMBLINE_DIGEST_WEEKDAY, 0 = Sunday, and PLUMBLINE_DIGEST_HOUR_UTC), in words. */
export function digestCadence(weekday: number, hourUtc: number): string {
  return `weekly, on ${WEEKDAYS[weekday] ?? "?"}s at ${String(hourUtc).padStart(2, "0")}:00 UTC`;
}
