import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { dayString } from "@/metrics/scope";
import { daysAgo, run, step } from "@/metrics/testing";
import { buildWorld, type World } from "./test-world";

let world: World;

// 520 AI steps on phi data with an unapproved model: more than the page's 500 rows. One is delivered
// twice and is still one violation.
beforeAll(async () => {
  world = await buildWorld(await testDb());
  const t = world.a.id;
  const wf = world.a.workflows[0];
  await world.db.insert("workflows", [{ tenant_id: t, workflow: wf, approved_models: JSON.stringify({ phi: ["m-ok"] }), updated_at: new Date() }]);
  const r = run(t, { workflow: wf, at: daysAgo(2) });
  const steps = Array.from({ length: 520 }, () => step(t, r, { actor: "ai", request_model: "m-bad", data_classification: "phi" }));
  // One denied access, delivered twice: one row in denials.csv.
  const denial = { tenant_id: t, event_id: `deny-${t}`, time: daysAgo(2), workflow: wf, decision: "deny" as const };
  await commitBatch(world.db, { runs: [r], steps, dataAccess: [denial] });
  await commitBatch(world.db, { steps: [steps[0]!], dataAccess: [denial] });
});

describe("the compliance summary's violation rows", () => {
  it("lists every violation for the evidence pack, each step once, and a page of them for the dashboard", async () => {
    const c = world.caller("executive", world.a).compliance;
    const window = { tenant: world.a.slug, from: dayString(daysAgo(10)), to: dayString(daysAgo(0)) };
    const complete = await c.summary({ ...window, complete: true });
    expect(complete.metric.policy_violations.unapproved_model_steps).toBe(520);
    expect(complete.violations).toHaveLength(520);
    expect(complete.denials).toHaveLength(1);
    expect(complete.metric.policy_violations.denied_accesses).toBe(1);
    expect((await c.summary(window)).violations).toHaveLength(500);
  });

  it("uses the same window for the exception queue as for compliance (scopeOf)", async () => {
    const tenant = world.a.id;
    const wf = world.a.workflows[0];
    // An exception opened in the last second of the day 30 days ago: outside the default window (today and
    // the 29 days before), though within 30 × 24 hours of now for all but the day's last second.
    const old = run(tenant, { workflow: wf, outcome: "exception", at: daysAgo(30, 23), hours: 3599 / 3600 });
    const inside = run(tenant, { workflow: wf, outcome: "exception", at: daysAgo(29, 0), hours: 1 });
    await commitBatch(world.db, { runs: [old, inside] });
    const q = await world.caller("ops", world.a).exceptions.list({ tenant: world.a.slug });
    const ids = q.map((x) => x.run_id);
    expect(ids).toContain(inside.run_id);
    expect(ids).not.toContain(old.run_id);
    const c = await world.caller("ops", world.a).compliance.summary({ tenant: world.a.slug });
    expect(c.metric.open_exceptions.open).toBe(q.length);
  });
});
