import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { verifyNothing, verifyPassword } from "./password";
import { signInLimits } from "./rate-limit";
import { membershipsOfUser, userByEmail } from "./users";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

/**
 * Checks e-mail and password. Every failure returns null alike — unknown account, wrong password,
 * disabled, or locked out — so the answer never says whether an account exists or a password was right.
 * A locked account or IP is refused without checking the password at all.
 */
export async function localSignIn(
  db: Db,
  input: { email: string; password: string; ip: string },
  limits = signInLimits(),
): Promise<SignedInUser | null> {
  const account = `account:${input.email.trim().toLowerCase()}`;
  const ip = `ip:${input.ip}`;
  // Written in every tenant the account belongs to, so those tenants' admins see attempts on their
  // members; an e-mail with no account (or no membership) has no tenant and is logged outside any.
  const record = async (result: "ok" | "denied", actorId: string, detail: string) => {
    const tenants = actorId ? (await membershipsOfUser(db, actorId)).map((m) => m.tenant_id) : [];
    for (const tenantId of tenants.length ? tenants : [""]) {
      await audit(db, { tenantId, actorId, actorEmail: input.email.slice(0, 254), kind: "auth", action: "auth.signIn", result, detail, ip: input.ip });
    }
  };

  const user = await userByEmail(db, input.email);
  if (limits.account.isLocked(account) || limits.ip.isLocked(ip)) {
    // Refused without checking the password; the account is looked up only to log in its tenants.
    await record("denied", user?.user_id ?? "", "locked out after repeated failures");
    return null;
  }
  const ok = user && !user.disabled && user.password_hash ? await verifyPassword(input.password, user.password_hash) : (await verifyNothing(input.password), false);
  if (!user || !ok) {
    limits.account.fail(account);
    limits.ip.fail(ip);
    await record("denied", user?.user_id ?? "", "bad credentials");
    return null;
  }
  limits.account.succeed(account);
  await record("ok", user.user_id, "local");
  return { id: user.user_id, email: user.email, name: user.name };
}
