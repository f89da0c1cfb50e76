import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { hashPassword } from "./password";
import type { Role } from "./roles";
import { endSessions } from "./sessions";

export const email = z.email().max(254).transform((e) => e.trim().toLowerCase());

const userRow = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  password_hash: z.string(),
  disabled: z.coerce.number(),
});
export type UserRecord = z.infer<typeof userRow>;

// Users are versioned rows (ReplacingMergeTree): the newest version of each user wins.
const LIVE_USERS = `
  SELECT user_id, argMax(email, updated_at) AS email, argMax(name, updated_at) AS name,
         argMax(password_hash, updated_at) AS password_hash, argMax(disabled, updated_at) AS disabled
  FROM users GROUP BY user_id`;

export async function userByEmail(db: Db, address: string): Promise<UserRecord | undefined> {
  const rows = await db.query(
    `SELECT * FROM (${LIVE_USERS}) WHERE email = {email:String} ORDER BY user_id LIMIT 1`,
    { email: address.trim().toLowerCase() },
    userRow,
  );
  return rows[0];
}

export async function userById(db: Db, userId: string): Promise<UserRecord | undefined> {
  const rows = await db.query(`SELECT * FROM (${LIVE_USERS}) WHERE user_id = {id:String}`, { id: userId }, userRow);
  return rows[0];
}

export async function countUsers(db: Db): Promise<number> {
  const rows = await db.query(`SELECT count() AS n FROM (${LIVE_USERS})`, {}, z.object({ n: z.coerce.number() }));
  return rows[0]?.n ?? 0;
}

/** Creates the user, or returns the existing one with that e-mail (e-mails are unique, checked here). */
export async function ensureUser(
  db: Db,
  input: { email: string; name?: string; password?: string },
): Promise<{ user: UserRecord; created: boolean }> {
  const existing = await userByEmail(db, input.email);
  if (existing) return { user: existing, created: false };
  const row = {
    user_id: randomUUID(),
    email: input.email.trim().toLowerCase(),
    name: (input.name ?? "").trim().slice(0, 200),
    password_hash: input.password ? await hashPassword(input.password) : "",
    disabled: 0,
  };
  await db.insert("users", [row]);
  return { user: row, created: true };
}

/** A new password ends the sessions signed in with the old one (someone may have learnt it). */
export async function setPassword(db: Db, user: UserRecord, password: string): Promise<void> {
  await db.insert("users", [{ ...user, password_hash: await hashPassword(password), updated_at: new Date() }]);
  await endSessions(db, user.user_id, "password");
}

/**
 * Disables or enables an account. A disabled person cannot sign in (local-sign-in.ts, oidc-provision.ts)
 * and reaches no tenant (access.ts); disabling ends the sessions they already have.
 */
export async function setDisabled(db: Db, user: UserRecord, disabled: boolean): Promise<void> {
  await db.insert("users", [{ ...user, disabled: disabled ? 1 : 0, updated_at: new Date() }]);
  if (disabled) await endSessions(db, user.user_id, "disabled");
}

const membershipRow = z.object({
  tenant_id: z.string(),
  user_id: z.string(),
  role: z.enum(["admin", "executive", "ops", "engineer"]),
  groups: z.array(z.string()),
});
export type Membership = z.infer<typeof membershipRow>;

const LIVE_MEMBERSHIPS = `
  SELECT tenant_id, user_id, argMax(role, updated_at) AS role, argMax(groups, updated_at) AS groups
  FROM memberships GROUP BY tenant_id, user_id HAVING argMax(removed, updated_at) = 0`;

export async function membership(db: Db, tenantId: string, userId: string): Promise<Membership | undefined> {
  const rows = await db.query(
    `SELECT * FROM (${LIVE_MEMBERSHIPS}) WHERE tenant_id = {tenant:String} AND user_id = {user:String}`,
    { tenant: tenantId, user: userId },
    membershipRow,
  );
  return rows[0];
}

export async function membershipsOfTenant(db: Db, tenantId: string): Promise<Membership[]> {
  return db.query(`SELECT * FROM (${LIVE_MEMBERSHIPS}) WHERE tenant_id = {tenant:String}`, { tenant: tenantId }, membershipRow);
}

export async function membershipsOfUser(db: Db, userId: string): Promise<Membership[]> {
  return db.query(`SELECT * FROM (${LIVE_MEMBERSHIPS}) WHERE user_id = {user:String}`, { user: userId }, membershipRow);
}

/**
 * Adds or changes a membership. Changing an existing member's role or workflow groups ends their
 * sessions, so nothing granted under the old access (an open page, a copied token) outlives it.
 */
export async function setMembership(
  db: Db,
  m: { tenantId: string; userId: string; role: Role; groups?: string[]; updatedBy: string },
): Promise<void> {
  const before = await membership(db, m.tenantId, m.userId);
  const groups = [...(m.groups ?? [])].sort().join(",");
  if (before && (before.role !== m.role || [...before.groups].sort().join(",") !== groups)) await endSessions(db, m.userId, "role");
  await db.insert("memberships", [
    { tenant_id: m.tenantId, user_id: m.userId, role: m.role, groups: m.groups ?? [], updated_by: m.updatedBy, updated_at: new Date() },
  ]);
}

export async function removeMembership(db: Db, m: { tenantId: string; userId: string; updatedBy: string }): Promise<void> {
  const current = await membership(db, m.tenantId, m.userId);
  if (!current) return;
  await db.insert("memberships", [
    { ...current, tenant_id: m.tenantId, removed: 1, updated_by: m.updatedBy, updated_at: new Date() },
  ]);
  await endSessions(db, m.userId, "removed");
}
