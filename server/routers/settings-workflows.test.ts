import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
});

const config = {
  workflow: "client-intake",
  display_name: "Client intake",
  go_live_date: "2026-01-15",
  hourly_cost: 120,
  currency: "EUR",
  review_sla_minutes: 60,
  exception_sla_minutes: 240,
  targets: '{"cycle_time_compression":0.3}',
  approved_models: '{"privileged":["gpt-4o-mini"]}',
  platform_cost_monthly: 500,
  implementation_cost: 20000,
};

describe("workflow settings", () => {
  it("saves a new version that the list shows, naming who saved it", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    await admin.save({ tenant: world.a.slug, ...config });
    await admin.save({ tenant: world.a.slug, ...config, hourly_cost: 130 });
    const [saved] = (await admin.list({ tenant: world.a.slug })).filter((c) => c.workflow === "client-intake");
    expect(saved).toMatchObject({ hourly_cost: 130, currency: "EUR", exception_sla_minutes: 240, go_live_date: "2026-01-15", updated_by: world.a.users.admin.email });
  });

  it("saves the recurring investment with the one-time investment, and a change to it alone is a change", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    const base = { tenant: world.a.slug, ...config, workflow: "invested-intake" };
    await admin.save({ ...base, recurring_investment_monthly: 800 });
    expect(await admin.save({ ...base, recurring_investment_monthly: 900 })).toMatchObject({ changed: true });
    const [saved] = (await admin.list({ tenant: world.a.slug })).filter((c) => c.workflow === "invested-intake");
    expect(saved).toMatchObject({ implementation_cost: 20000, recurring_investment_monthly: 900 });
  });

  it("refuses targets or approved models that are not the documented JSON", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    await expect(admin.save({ tenant: world.a.slug, ...config, targets: "{not json" })).rejects.toThrow(/documented shape/);
    await expect(admin.save({ tenant: world.a.slug, ...config, approved_models: '{"phi":"gpt-4o"}' })).rejects.toThrow(/documented shape/);
  });

  it("answers a save that changes nothing with 'no change' and writes no version", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    const same = { tenant: world.a.slug, ...config, workflow: "unchanged-intake" };
    expect(await admin.save(same)).toMatchObject({ changed: true });
    // Key order and spacing of the JSON fields are not a change.
    const reordered = { ...same, approved_models: '{ "privileged": ["gpt-4o-mini"] }' };
    expect(await admin.save(reordered)).toEqual({ workflow: "unchanged-intake", changed: false, message: "no change" });
    expect(await versions("unchanged-intake")).toBe(1);
  });

  it("saves a stored version with a retired target key unchanged, but refuses to change it without fixing the key", async () => {
    // A demo before the fix stored hours_displaced_per_month, which the form's check refuses.
    const legacy = { ...config, workflow: "legacy-targets", targets: '{"hours_displaced_per_month":250}' };
    await world.db.insert("workflows", [{ tenant_id: world.a.id, ...legacy, removed: 0, updated_by: "demo", updated_at: new Date() }]);
    const admin = world.caller("admin", world.a).settingsWorkflows;
    expect(await admin.save({ tenant: world.a.slug, ...legacy })).toMatchObject({ changed: false, message: "no change" });
    await expect(admin.save({ tenant: world.a.slug, ...legacy, hourly_cost: 130 })).rejects.toThrow(/documented shape/);
    expect(await versions("legacy-targets")).toBe(1);
  });
});

async function versions(workflow: string): Promise<number> {
  const rows = await world.db.query("SELECT count() AS n FROM workflows WHERE tenant_id = {t:String} AND workflow = {w:String}", { t: world.a.id, w: workflow }, z.object({ n: z.coerce.number() }));
  return rows[0]!.n;
}

