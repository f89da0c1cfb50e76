import { TRPCError } from "@trpc/server";
import type { Db } from "@/clickhouse/client";
import { MOMENT_MS, memoRead } from "@/clickhouse/read-memo";
import { ACCESS_TABLES } from "../auth/access";
import { type Barrier, memberScopesByEmail } from "../auth/barrier";
import type { Role } from "../auth/roles";

/** The roles that act on the queue (exceptions.ts): an item is assigned to someone who can acknowledge and resolve it. */
const ACTING: readonly Role[] = ["ops", "admin"];

const sees = (barrier: Barrier, workflow: string) => barrier === null || barrier.includes(workflow);

/**
 * Who may be assigned an exception of each workflow: members of the tenant who act on the queue and
 * whose information barrier lets them see the workflow. Disabled and removed members are not members
 * here (server/auth/barrier.ts `memberScopesByEmail`). E-mails sorted, per workflow asked for.
 */
export async function assigneesByWorkflow(db: Db, tenantId: string, workflows: readonly string[]): Promise<Record<string, string[]>> {
  // The queue page asks on every view: remembered like a member's access (server/auth/access.ts).
  const scopes = await memoRead(db, `member-scopes|${tenantId}`, ACCESS_TABLES, MOMENT_MS, () => memberScopesByEmail(db, tenantId));
  const acting = [...scopes].filter(([, s]) => ACTING.includes(s.role)).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(workflows.map((w) => [w, acting.filter(([, s]) => sees(s.workflows, w)).map(([email]) => email)]));
}

/** Refuses, in words, an assignee who is not a member allowed to take this workflow's exceptions. */
export async function checkAssignee(db: Db, tenantId: string, workflow: string, assignee: string): Promise<string> {
  const email = assignee.trim().toLowerCase();
  const allowed = (await assigneesByWorkflow(db, tenantId, [workflow]))[workflow] ?? [];
  if (!allowed.includes(email)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${assignee} cannot take exceptions of ${workflow}: pick an ops member or admin of this tenant who may see that workflow.`,
    });
  }
  return email;
}
