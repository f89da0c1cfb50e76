import type { Db } from "@/clickhouse/client";
import { memoRead } from "@/clickhouse/read-memo";
import { tenantBySlug } from "@/server/tenants";
import type { Role } from "./roles";
import { userById, membership } from "./users";
import { allowedWorkflows } from "./workflow-groups";

export interface TenantAccess {
  tenant: { id: string; slug: string };
  role: Role;
  /** Workflows the user may see; null = all (DESIGN.md §4 information barriers). */
  workflows: string[] | null;
}

/**
 * What a signed-in user may do in the tenant named by `slug`; undefined when the tenant does not
 * exist, the user is disabled or not a member — callers answer all three alike so a probe learns nothing.
 */
export function resolveAccess(db: Db, userId: string, slug: string): Promise<TenantAccess | undefined> {
  // Every procedure call of a page resolves the same access: remembered until one of these tables is
  // written by this process, and for a second at most (clickhouse/read-memo.ts).
  return memoRead(db, `access|${userId}|${slug}`, ACCESS_TABLES, 1000, () => readAccess(db, userId, slug));
}

const ACCESS_TABLES = ["tenants", "users", "memberships", "workflow_groups"];

async function readAccess(db: Db, userId: string, slug: string): Promise<TenantAccess | undefined> {
  const [tenant, user] = await Promise.all([tenantBySlug(db, slug), userById(db, userId)]);
  if (!tenant || !user || user.disabled) return undefined;
  const m = await membership(db, tenant.tenant_id, userId);
  if (!m) return undefined;
  const workflows = m.role === "admin" ? null : await allowedWorkflows(db, tenant.tenant_id, m.groups);
  return { tenant: { id: tenant.tenant_id, slug: tenant.slug }, role: m.role, workflows };
}
