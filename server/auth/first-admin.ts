import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { env } from "@/server/env";
import { listTenants } from "@/server/tenants";
import { membership, setMembership, countUsers, ensureUser, type UserRecord } from "./users";
import { authSecret } from "./secret";
import { createSetupToken } from "./setup-token";

/** Makes a person an admin of every tenant (the first admin, from env or from the setup link). */
export async function makeAdminEverywhere(db: Db, user: UserRecord, by: string): Promise<number> {
  let added = 0;
  for (const t of await listTenants(db)) {
    if ((await membership(db, t.tenant_id, user.user_id))?.role === "admin") continue;
    await setMembership(db, { tenantId: t.tenant_id, userId: user.user_id, role: "admin", updatedBy: by });
    await audit(db, { tenantId: t.tenant_id, actorId: by, kind: "change", action: "users.firstAdmin", inputSummary: user.email, result: "ok" });
    added++;
  }
  return added;
}

/**
 * Runs once at server start. With PLUMBLINE_ADMIN_EMAIL/PASSWORD, that person exists and is an admin
 * of every tenant (an existing account keeps its password: env is for the first start, the UI after).
 * Without them and with no users at all, a one-time setup link is printed. Never a default password.
 */
export async function ensureFirstAdmin(db: Db, o: { origin: string; log: (line: string) => void }): Promise<void> {
  // Fails start-up in server mode without AUTH_SECRET, rather than at the first sign-in.
  authSecret();
  const e = env();
  if (e.PLUMBLINE_ADMIN_EMAIL && e.PLUMBLINE_ADMIN_PASSWORD) {
    const { user, created } = await ensureUser(db, { email: e.PLUMBLINE_ADMIN_EMAIL, name: "Administrator", password: e.PLUMBLINE_ADMIN_PASSWORD });
    const added = await makeAdminEverywhere(db, user, "env:PLUMBLINE_ADMIN_EMAIL");
    o.log(`admin ${user.email}: ${created ? "created" : "exists"}, admin of ${added} more tenant(s)`);
    return;
  }
  if ((await countUsers(db)) > 0) return;
  const { token, expiresAt } = await createSetupToken(db);
  const origin = e.AUTH_URL ? new URL(e.AUTH_URL).origin : o.origin;
  o.log(`no users yet: create the first admin at ${origin}/setup?token=${token} (valid until ${expiresAt.toISOString()})`);
}
