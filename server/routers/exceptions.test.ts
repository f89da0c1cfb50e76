import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { daysAgo, run, step } from "@/metrics/testing";
import { buildWorld, type World } from "./test-world";

let world: World;
let overdue: string;
let fresh: string;
let flagged: string;

beforeAll(async () => {
  world = await buildWorld(await testDb());
  const tenant = world.a.id;
  const [intake, billing] = world.a.workflows;
  const late = run(tenant, { workflow: intake, outcome: "exception", exception_reason: "missing_document", at: daysAgo(2), hours: 1 });
  const recent = run(tenant, { workflow: intake, outcome: "exception", exception_reason: "conflict_check", at: new Date(Date.now() - 2 * 3_600_000), hours: 0.5 });
  const clean = run(tenant, { workflow: billing, at: daysAgo(1) });
  overdue = late.run_id;
  fresh = recent.run_id;
  flagged = clean.run_id;
  await commitBatch(world.db, {
    runs: [late, recent, clean],
    steps: [step(tenant, clean, { intervention: 1, intervention_reason: "manual_fix", actor: "human" })],
  });
  await world.db.insert("workflows", [{ tenant_id: tenant, workflow: intake, exception_sla_minutes: 240, updated_at: new Date() }]);
});

const list = (who: "ops" | "restricted-ops" | "executive", states?: ("new" | "acknowledged" | "assigned" | "resolved")[]) =>
  world.caller(who, world.a).exceptions.list({ tenant: world.a.slug, ...(states ? { states } : {}) });

describe("the exception queue", () => {
  it("lists failed runs and intervention steps as open exceptions, oldest first, with their SLA state", async () => {
    const queue = await list("ops");
    expect(queue.map((q) => q.run_id)).toEqual([overdue, flagged, fresh]);
    const [late, , recent] = queue;
    expect(late).toMatchObject({ reason: "missing_document", state: "new", sla_minutes: 240 });
    expect(late!.sla_left_minutes).toBeLessThan(0);
    expect(recent!.sla_left_minutes).toBeGreaterThan(0);
    expect(queue[1]).toMatchObject({ reason: "manual_fix", sla_left_minutes: null });
  });

  it("moves an exception through acknowledge, assign and resolve, keeping every action", async () => {
    const ops = world.caller("ops", world.a).exceptions;
    await ops.acknowledge({ tenant: world.a.slug, runId: fresh });
    expect((await list("ops")).find((q) => q.run_id === fresh)?.state).toBe("acknowledged");
    await ops.assign({ tenant: world.a.slug, runId: fresh, assignee: world.a.users.ops.email });
    expect((await list("ops")).find((q) => q.run_id === fresh)).toMatchObject({ state: "assigned", assignee: world.a.users.ops.email });
    await ops.resolve({ tenant: world.a.slug, runId: fresh, note: "Conflict cleared by partner" });
    expect((await list("ops")).map((q) => q.run_id)).not.toContain(fresh);
    expect((await list("ops", ["resolved"])).find((q) => q.run_id === fresh)?.last_note).toBe("Conflict cleared by partner");
    const history = await ops.history({ tenant: world.a.slug, runId: fresh });
    expect(history.map((h) => h.action)).toEqual(["acknowledge", "assign", "resolve"]);
  });

  it("refuses to resolve without a note and to act on a run that is not an exception", async () => {
    const ops = world.caller("ops", world.a).exceptions;
    await expect(ops.resolve({ tenant: world.a.slug, runId: overdue, note: "" })).rejects.toThrow();
    await expect(ops.acknowledge({ tenant: world.a.slug, runId: "no-such-run" })).rejects.toThrow(/No such exception/);
  });

  it("lets an executive read the queue but not act on it", async () => {
    expect((await list("executive")).length).toBeGreaterThan(0);
    await expect(world.caller("executive", world.a).exceptions.acknowledge({ tenant: world.a.slug, runId: overdue })).rejects.toThrow(/do not have access/);
  });

  it("shows a member behind an information barrier only their workflows' exceptions", async () => {
    const queue = await list("restricted-ops");
    expect(queue.every((q) => q.workflow === world.a.workflows[0])).toBe(true);
    await expect(world.caller("restricted-ops", world.a).exceptions.acknowledge({ tenant: world.a.slug, runId: flagged })).rejects.toThrow(/No such exception/);
  });
});
