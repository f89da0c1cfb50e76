import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import type { Role } from "../auth/roles";
import { appRouter } from "../root";
import type { Meta } from "../trpc";
import { buildWorld, principals, type Principal, type TestTenant, type World } from "./test-world";

const ALL: Role[] = ["executive", "ops", "engineer", "admin"];

/** The intended policy, written out by hand: a procedure missing here fails the matrix. */
const policy: Record<string, Role[] | "signed-in"> = {
  "me.tenants": "signed-in",
  "workflows.list": ALL,
  "workflows.byName": ALL,
  "users.list": ["admin"],
  "users.create": ["admin"],
  "memberships.update": ["admin"],
  "memberships.remove": ["admin"],
  "groups.list": ["admin"],
  "groups.save": ["admin"],
  "groups.remove": ["admin"],
  "tenantSettings.get": ["admin"],
  "tenantSettings.update": ["admin"],
  "audit.list": ["admin"],
  "audit.export": ["admin"],
  "ingestKeys.list": ["engineer", "admin"],
  "ingestKeys.create": ["engineer", "admin"],
  "ingestKeys.revoke": ["engineer", "admin"],
  "overview.summary": ["executive", "ops", "admin"],
  "overview.milestones": ["executive", "ops", "admin"],
  "workflowDetail.list": ["executive", "ops", "admin"],
  "workflowDetail.byName": ["executive", "ops", "admin"],
  "exceptions.list": ["executive", "ops", "admin"],
  "exceptions.history": ["executive", "ops", "admin"],
  "exceptions.team": ["executive", "ops", "admin"],
  "exceptions.acknowledge": ["ops", "admin"],
  "exceptions.assign": ["ops", "admin"],
  "exceptions.resolve": ["ops", "admin"],
  "exceptions.reopen": ["ops", "admin"],
  "sources.list": ALL,
  "compliance.summary": ["executive", "ops", "admin"],
  "alerts.list": ["admin", "ops"],
  "alerts.create": ["admin", "ops"],
  "alerts.update": ["admin", "ops"],
  "alerts.setEnabled": ["admin", "ops"],
  "alerts.remove": ["admin", "ops"],
  "alerts.test": ["admin", "ops"],
  "alerts.history": ["admin", "ops", "executive"],
  "alerts.deliveries": ["admin", "ops"],
  "alerts.digest": ["executive", "ops", "admin"],
  "settingsWorkflows.list": ["admin"],
  "settingsWorkflows.save": ["admin"],
};

/** A valid input per procedure, aimed at tenant `t`. */
const samples: Record<string, (t: TestTenant) => unknown> = {
  "me.tenants": () => undefined,
  "workflows.list": (t) => ({ tenant: t.slug }),
  "workflows.byName": (t) => ({ tenant: t.slug, workflow: t.workflows[0] }),
  "users.list": (t) => ({ tenant: t.slug }),
  "users.create": (t) => ({ tenant: t.slug, email: `${randomUUID()}@example.test`, role: "executive" }),
  "memberships.update": (t) => ({ tenant: t.slug, userId: t.users.spare.id, role: "ops", groups: [] }),
  "memberships.remove": (t) => ({ tenant: t.slug, userId: randomUUID() }),
  "groups.list": (t) => ({ tenant: t.slug }),
  "groups.save": (t) => ({ tenant: t.slug, name: "matrix", workflows: ["x"] }),
  "groups.remove": (t) => ({ tenant: t.slug, groupId: randomUUID() }),
  "tenantSettings.get": (t) => ({ tenant: t.slug }),
  "tenantSettings.update": (t) => ({ tenant: t.slug, settings: { currency: "EUR" } }),
  "audit.list": (t) => ({ tenant: t.slug, limit: 5 }),
  "audit.export": (t) => ({ tenant: t.slug, from: new Date(Date.now() - 60_000) }),
  "ingestKeys.list": (t) => ({ tenant: t.slug }),
  "ingestKeys.create": (t) => ({ tenant: t.slug, name: "matrix" }),
  "ingestKeys.revoke": (t) => ({ tenant: t.slug, keyId: randomUUID() }),
  "overview.summary": (t) => ({ tenant: t.slug }),
  "overview.milestones": (t) => ({ tenant: t.slug }),
  "workflowDetail.list": (t) => ({ tenant: t.slug }),
  "workflowDetail.byName": (t) => ({ tenant: t.slug, workflow: t.workflows[0] }),
  "exceptions.list": (t) => ({ tenant: t.slug }),
  "exceptions.history": (t) => ({ tenant: t.slug, runId: randomUUID() }),
  "exceptions.team": (t) => ({ tenant: t.slug }),
  "exceptions.acknowledge": (t) => ({ tenant: t.slug, runId: randomUUID() }),
  "exceptions.assign": (t) => ({ tenant: t.slug, runId: randomUUID(), assignee: "someone@example.test" }),
  "exceptions.resolve": (t) => ({ tenant: t.slug, runId: randomUUID(), note: "matrix" }),
  "exceptions.reopen": (t) => ({ tenant: t.slug, runId: randomUUID() }),
  "sources.list": (t) => ({ tenant: t.slug }),
  "compliance.summary": (t) => ({ tenant: t.slug }),
  "alerts.list": (t) => ({ tenant: t.slug }),
  "alerts.create": (t) => ({ tenant: t.slug, kind: "stale-source", name: "matrix" }),
  "alerts.update": (t) => ({ tenant: t.slug, ruleId: randomUUID(), rule: { kind: "stale-source", name: "matrix" } }),
  "alerts.setEnabled": (t) => ({ tenant: t.slug, ruleId: randomUUID(), enabled: false }),
  "alerts.remove": (t) => ({ tenant: t.slug, ruleId: randomUUID() }),
  "alerts.test": (t) => ({ tenant: t.slug, ruleId: randomUUID() }),
  "alerts.history": (t) => ({ tenant: t.slug }),
  "alerts.deliveries": (t) => ({ tenant: t.slug }),
  "alerts.digest": (t) => ({ tenant: t.slug, enabled: false }),
  "settingsWorkflows.list": (t) => ({ tenant: t.slug }),
  "settingsWorkflows.save": (t) => ({
    tenant: t.slug,
    workflow: "matrix",
    go_live_date: null,
    hourly_cost: 100,
    currency: "USD",
    review_sla_minutes: 60,
    exception_sla_minutes: 240,
    targets: "{}",
    approved_models: "{}",
    platform_cost_monthly: 0,
    implementation_cost: 0,
  }),
};

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>);

type Outcome = "allowed" | "FORBIDDEN" | "UNAUTHORIZED";

export async function call(world: World, who: Principal, path: string, input: unknown): Promise<unknown> {
  let target: unknown = world.caller(who, world.a);
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (i: unknown) => Promise<unknown>)(input);
}

async function outcome(world: World, who: Principal, path: string, input: unknown): Promise<Outcome> {
  try {
    await call(world, who, path, input);
    return "allowed";
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "FORBIDDEN" || err.code === "UNAUTHORIZED")) return err.code;
    // Other refusals (NOT_FOUND for a made-up id, PRECONDITION_FAILED) come from the body: access passed.
    if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR" && err.code !== "BAD_REQUEST") return "allowed";
    throw err;
  }
}

function expected(rule: Role[] | "signed-in", who: Principal, own: boolean): Outcome {
  if (who === "anonymous") return "UNAUTHORIZED";
  if (rule === "signed-in") return "allowed";
  if (who === "outsider" || !own) return "FORBIDDEN";
  return rule.includes(who === "restricted-ops" ? "ops" : who) ? "allowed" : "FORBIDDEN";
}

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
});

describe("the authorization matrix", () => {
  it("covers every procedure, and every procedure declares who may call it", () => {
    expect(procedures.map(([path]) => path).sort()).toEqual(Object.keys(policy).sort());
    for (const [path, p] of procedures) {
      const access = p._def.meta?.access;
      expect(access, `${path} has no access metadata`).toBeDefined();
      const rule = policy[path];
      if (rule === "signed-in") expect(access, path).toEqual({ kind: "signed-in" });
      else expect(access?.kind === "tenant" ? [...access.roles].sort() : access, path).toEqual([...(rule ?? [])].sort());
    }
  });

  it("allows exactly the declared roles in their own tenant and refuses everyone else", async () => {
    const mismatches: string[] = [];
    for (const [path] of procedures) {
      const rule = policy[path];
      const sample = samples[path];
      if (!rule || !sample) throw new Error(`${path} needs a policy and a sample input`);
      // One procedure at a time; its principals × tenants concurrently (they touch different rows).
      const cases = principals.flatMap((who) => [true, false].map((own) => ({ who, own })));
      await Promise.all(
        cases.map(async ({ who, own }) => {
          const got = await outcome(world, who, path, sample(own ? world.a : world.b));
          const want = expected(rule, who, own);
          if (got !== want) mismatches.push(`${path} as ${who} in ${own ? "own" : "other"} tenant: ${got}, expected ${want}`);
        }),
      );
    }
    expect(mismatches).toEqual([]);
  }, 600_000);

  it("writes every tenant-procedure call of the matrix to the audit log with the caller and the tenant asked", async () => {
    const rows = await world.db.query(
      `SELECT action, actor_id, actor_email, toString(result) AS result, tenant_id FROM audit_log
       WHERE tenant_id IN ({a:String}, {b:String}) AND actor_id IN {actors:Array(String)}`,
      { a: world.a.id, b: world.b.id, actors: Object.values(world.a.users).map((u) => u.id) },
      z.object({ action: z.string(), actor_id: z.string(), actor_email: z.string(), result: z.string(), tenant_id: z.string() }),
    );
    const missing: string[] = [];
    for (const [path] of procedures) {
      const rule = policy[path];
      if (rule === "signed-in" || !rule) continue;
      for (const role of rule.length ? (["admin", "executive", "ops", "engineer"] as const) : []) {
        const user = world.a.users[role];
        for (const [tenant, result] of [[world.a.id, rule.includes(role) ? "ok" : "denied"], [world.b.id, "denied"]]) {
          const found = rows.some((r) => r.action === path && r.actor_id === user.id && r.actor_email === user.email && r.tenant_id === tenant && (r.result === result || (result === "ok" && r.result === "error")));
          if (!found) missing.push(`${path} by ${role} in ${tenant === world.a.id ? "own" : "other"} tenant as ${result}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("refuses a workflow outside the member's workflow groups and allows one inside", async () => {
    const [inside, outside] = world.a.workflows;
    await expect(outcome(world, "restricted-ops", "workflows.byName", { tenant: world.a.slug, workflow: inside })).resolves.toBe("allowed");
    await expect(outcome(world, "restricted-ops", "workflows.byName", { tenant: world.a.slug, workflow: outside })).resolves.toBe("FORBIDDEN");
    await expect(outcome(world, "ops", "workflows.byName", { tenant: world.a.slug, workflow: outside })).resolves.toBe("allowed");
  });

  it("lists only the workflows inside the member's groups", async () => {
    const listed = (await call(world, "restricted-ops", "workflows.list", { tenant: world.a.slug })) as { workflow: string }[];
    expect(listed.map((w) => w.workflow)).toEqual([world.a.workflows[0]]);
  });
});
