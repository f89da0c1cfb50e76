import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Db } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import { runRow } from "@/ingest/rows";
import { type Role, roles } from "../auth/roles";
import { ensureUser, setMembership } from "../auth/users";
import { saveGroup } from "../auth/workflow-groups";
import { createCaller } from "../root";
import { createTenant } from "../tenants";
import { createContext, type SessionUser } from "../trpc";
import { CLIENT_IP_HEADER } from "../auth/client-ip";

/**
 * Who calls: one member per role, a member of each non-admin role restricted to one workflow group
 * (an admin's barrier is always "all", server/auth/access.ts), an outsider, nobody.
 */
export const barredPrincipals = ["restricted-ops", "restricted-executive", "restricted-engineer"] as const;
export type Barred = (typeof barredPrincipals)[number];
export type Principal = Role | Barred | "outsider" | "anonymous";
export const principals: Principal[] = [...roles, ...barredPrincipals, "outsider", "anonymous"];

/** The role a principal holds in its own tenant; undefined for an outsider or nobody. */
export const roleOf: Record<Principal, Role | undefined> = {
  admin: "admin",
  executive: "executive",
  ops: "ops",
  engineer: "engineer",
  "restricted-ops": "ops",
  "restricted-executive": "executive",
  "restricted-engineer": "engineer",
  outsider: undefined,
  anonymous: undefined,
};

export interface TestTenant {
  id: string;
  slug: string;
  users: Record<Role | Barred | "spare", SessionUser>;
  groupId: string;
  /** Workflows with runs; the restricted members' group holds only the first. */
  workflows: [string, string];
}

export interface World {
  db: Db;
  a: TestTenant;
  b: TestTenant;
  outsider: SessionUser;
  caller(who: Principal, tenant: TestTenant): ReturnType<typeof createCaller>;
}

async function member(db: Db, tenantId: string, role: Role, groups: string[] = []): Promise<SessionUser> {
  const { user } = await ensureUser(db, { email: `${randomUUID()}@example.test`, name: role });
  await setMembership(db, { tenantId, userId: user.user_id, role, groups, updatedBy: "test" });
  return { id: user.user_id, email: user.email };
}

async function tenant(db: Db, label: string): Promise<TestTenant> {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const t = await createTenant(db, { slug });
  const workflows: [string, string] = [`intake-${label}`, `billing-${label}`];
  const group = await saveGroup(db, { tenantId: t.tenant_id, name: "intake only", workflows: [workflows[0]], updatedBy: "test" });
  const users = {
    admin: await member(db, t.tenant_id, "admin"),
    executive: await member(db, t.tenant_id, "executive"),
    ops: await member(db, t.tenant_id, "ops"),
    engineer: await member(db, t.tenant_id, "engineer"),
    "restricted-ops": await member(db, t.tenant_id, "ops", [group.group_id]),
    "restricted-executive": await member(db, t.tenant_id, "executive", [group.group_id]),
    "restricted-engineer": await member(db, t.tenant_id, "engineer", [group.group_id]),
    spare: await member(db, t.tenant_id, "ops"),
  };
  const day = Date.now() - 2 * 86_400_000;
  const runs = workflows.flatMap((workflow, w) =>
    Array.from({ length: 3 + w }, (_, i) =>
      runRow.parse({
        tenant_id: t.tenant_id,
        workflow,
        run_id: randomUUID(),
        phase: "live",
        start_time: new Date(day + i * 60_000),
        end_time: new Date(day + i * 60_000 + 30_000),
        outcome: "completed",
      }),
    ),
  );
  await commitBatch(db, { runs });
  return { id: t.tenant_id, slug: t.slug, users, groupId: group.group_id, workflows };
}

/** Two tenants with members and runs in one store: the ground for authorization and isolation tests. */
export async function buildWorld(db: Db): Promise<World> {
  const a = await tenant(db, "a");
  const b = await tenant(db, "b");
  const { user } = await ensureUser(db, { email: `${randomUUID()}@example.test`, name: "outsider" });
  const outsider = { id: user.user_id, email: user.email };
  return {
    db,
    a,
    b,
    outsider,
    caller(who, t) {
      const u = who === "anonymous" ? null : who === "outsider" ? outsider : t.users[who];
      return createCaller(createContext({ db, user: u, headers: new Headers({ [CLIENT_IP_HEADER]: "203.0.113.9" }) }));
    },
  };
}

/** How a call ended: "ok", or the TRPCError code it was refused with (other errors are rethrown). */
export async function trpcCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}
