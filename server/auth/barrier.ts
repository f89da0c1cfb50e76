import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import type { Role } from "./roles";
import { membership, userById } from "./users";
import { allowedWorkflows } from "./workflow-groups";

/**
 * Information barriers (DESIGN.md §4, docs/security.md "Barriers"): a member whose workflow groups
 * allow a list of workflows may read and change only data of those workflows. `null` = no barrier.
 */
export type Barrier = string[] | null;

/**
 * Input keys that name a workflow (a string) or workflows (an array of strings), wherever they sit in
 * an input: `workflow` of a filter, `rule.workflow` of an alert rule, `workflows` of a group. A new
 * workflow-bearing field must use one of these names so the tRPC middleware scopes it.
 */
export const WORKFLOW_KEYS: ReadonlySet<string> = new Set(["workflow", "workflows"]);

/** Bounds the walk: inputs are small, and a hostile one must not cost more than this many nodes. */
const MAX_NODES = 100_000;

/**
 * Every workflow name anywhere in a raw (unparsed) input, nested objects and arrays included.
 * Iterative, so a deeply nested input cannot overflow the stack; an input too big to walk is
 * answered with a name no barrier allows, so it is refused rather than let through unchecked.
 */
export function workflowNamesIn(raw: unknown): string[] {
  const names: string[] = [];
  const stack: unknown[] = [raw];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (++seen > MAX_NODES) return [...names, "\0input-too-large"];
    // Element by element: spreading a huge array into push() would overflow the call stack itself.
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (WORKFLOW_KEYS.has(key) && typeof value === "string") names.push(value);
        if (WORKFLOW_KEYS.has(key) && Array.isArray(value)) for (const v of value) if (typeof v === "string") names.push(v);
        stack.push(value);
      }
    }
  }
  return names;
}

/** Whether every named workflow is inside the barrier. */
export function insideBarrier(barrier: Barrier, names: readonly string[]): boolean {
  return barrier === null || names.every((n) => barrier.includes(n));
}

/**
 * Whether a member behind `barrier` may see data scoped to `workflow`; `undefined` is firm-wide data
 * (every workflow at once), which only a member with no barrier may see.
 */
export function mayReadScope(barrier: Barrier, workflow: string | undefined): boolean {
  return barrier === null || (workflow !== undefined && barrier.includes(workflow));
}

/**
 * Roles that read ROI figures (value, labor hours, milestones, metric changes) on some page: the
 * overview's roles in app/components/section.tsx VIEW_ROLES. An engineer reads sources only.
 */
export const ROI_ROLES: readonly Role[] = ["executive", "ops", "admin"];

export interface MemberScope {
  role: Role;
  workflows: Barrier;
}

/** A user's role and barrier in a tenant by id; undefined for a non-member or a disabled user. */
export async function memberScope(db: Db, tenantId: string, userId: string): Promise<MemberScope | undefined> {
  const [user, m] = await Promise.all([userById(db, userId), membership(db, tenantId, userId)]);
  if (!user || user.disabled || !m) return undefined;
  return { role: m.role, workflows: m.role === "admin" ? null : await allowedWorkflows(db, tenantId, m.groups) };
}

const memberRow = z.object({
  email: z.string(),
  disabled: z.coerce.number(),
  role: z.enum(["admin", "executive", "ops", "engineer"]),
  groups: z.array(z.string()),
});

/**
 * The role and barrier of every member of a tenant, by lower-cased e-mail: how alert deliveries decide
 * whether an e-mail recipient who is a member may read a rule's message. A disabled member's scope is
 * empty (reads nothing). One query, plus one per distinct set of groups.
 */
export async function memberScopesByEmail(db: Db, tenantId: string): Promise<Map<string, MemberScope>> {
  const rows = await db.query(
    `SELECT u.email AS email, u.disabled AS disabled, m.role AS role, m.groups AS groups FROM
       (SELECT user_id, argMax(role, updated_at) AS role, argMax(groups, updated_at) AS groups FROM memberships
        WHERE tenant_id = {tenant:String} GROUP BY user_id HAVING argMax(removed, updated_at) = 0) AS m
     INNER JOIN (SELECT user_id, argMax(email, updated_at) AS email, argMax(disabled, updated_at) AS disabled
                 FROM users GROUP BY user_id) AS u ON u.user_id = m.user_id`,
    { tenant: tenantId },
    memberRow,
  );
  const byGroups = new Map<string, Promise<Barrier>>();
  const scopes = new Map<string, MemberScope>();
  for (const r of rows) {
    const key = [...r.groups].sort().join("\0");
    let barrier = byGroups.get(key);
    if (!barrier) {
      barrier = allowedWorkflows(db, tenantId, r.groups);
      byGroups.set(key, barrier);
    }
    const workflows = r.disabled ? [] : r.role === "admin" ? null : await barrier;
    scopes.set(r.email.toLowerCase(), { role: r.role, workflows });
  }
  return scopes;
}
