import type { Db } from "@/clickhouse/client";
import { MOMENT_MS, memoRead } from "@/clickhouse/read-memo";
import { listTenants, tenantBySlug } from "@/server/tenants";
import type { Role } from "./roles";
import { membershipsOfUser, userById, membership } from "./users";
import { allowedWorkflows } from "./workflow-groups";

export interface TenantAccess {
  tenant: { id: string; slug: string };
  role: Role;
  /** Workflows the user may see; null = all (DESIGN.md §4 information barriers). */
  workflows: string[] | null;
}

/** The tables a member's access is read from: a write to any of them forgets what was remembered. */
export const ACCESS_TABLES = ["tenants", "users", "memberships", "workflow_groups"];

/**
 * What a signed-in user may do in the tenant named by `slug`; undefined when the tenant does not
 * exist, the user is disabled or not a member — callers answer all three alike so a probe learns nothing.
 */
export function resolveAccess(db: Db, userId: string, slug: string): Promise<TenantAccess | undefined> {
  // Every procedure call of a page resolves the same access: remembered until one of these tables is
  // written by this process, and for a second at most (clickhouse/read-memo.ts).
  return memoRead(db, `access|${userId}|${slug}`, ACCESS_TABLES, MOMENT_MS, () => readAccess(db, userId, slug));
}

async function readAccess(db: Db, userId: string, slug: string): Promise<TenantAccess | undefined> {
  const [tenant, user] = await Promise.all([tenantBySlug(db, slug), userById(db, userId)]);
  if (!tenant || !user || user.disabled) return undefined;
  const m = await membership(db, tenant.tenant_id, userId);
  if (!m) return undefined;
  const workflows = m.role === "admin" ? null : await allowedWorkflows(db, tenant.tenant_id, m.groups);
  return { tenant: { id: tenant.tenant_id, slug: tenant.slug }, role: m.role, workflows };
}

/**
 * The tenants a user belongs to, with their role (the tenant switcher's list, read by every page's
 * layout): remembered like the access above.
 */
export function tenantsOfUser(db: Db, userId: string): Promise<{ slug: string; name: string; role: Role }[]> {
  return memoRead(db, `tenants-of|${userId}`, ACCESS_TABLES, MOMENT_MS, async () => {
    const [memberships, tenants] = await Promise.all([membershipsOfUser(db, userId), listTenants(db)]);
    const byId = new Map(tenants.map((t) => [t.tenant_id, t]));
    return memberships.flatMap((m) => {
      const t = byId.get(m.tenant_id);
      return t ? [{ slug: t.slug, name: t.name, role: m.role }] : [];
    });
  });
}
