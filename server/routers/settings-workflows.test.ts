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

describe("readable validation and a default currency", () => {
  it("names the field and says what is wrong, instead of a list of zod issues", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    const refused = admin.save({ tenant: world.a.slug, ...config, workflow: "bad-cost", hourly_cost: -5, review_sla_minutes: 1.5 });
    await expect(refused).rejects.toThrow("Loaded hourly cost: must be 0 or more; Review SLA: must be whole minutes");
    await expect(admin.save({ tenant: world.a.slug, ...config, workflow: "bad-cost", currency: "euro" })).rejects.toThrow(/^Currency: a three-letter ISO 4217 code/);
    await expect(admin.save({ tenant: world.a.slug, ...config, workflow: "bad cost" })).rejects.not.toThrow(/"code"/);
    expect(await versions("bad-cost")).toBe(0);
  });

  it("gives a new workflow the tenant's currency, and lets an existing one keep its own", async () => {
    const { currency: _currency, ...noCurrency } = config;
    const b = world.caller("admin", world.b);
    await b.settingsWorkflows.save({ tenant: world.b.slug, ...noCurrency, workflow: "default-currency" });
    await b.tenantSettings.update({ tenant: world.b.slug, settings: { currency: "CHF" } });
    await b.settingsWorkflows.save({ tenant: world.b.slug, ...noCurrency, workflow: "tenant-currency" });
    await b.settingsWorkflows.save({ tenant: world.b.slug, ...noCurrency, workflow: "default-currency", hourly_cost: 99 });
    const saved = await b.settingsWorkflows.list({ tenant: world.b.slug });
    // USD is the documented default of a tenant that names no currency (docs/design.md).
    expect(saved.find((c) => c.workflow === "default-currency")).toMatchObject({ currency: "USD", hourly_cost: 99 });
    expect(saved.find((c) => c.workflow === "tenant-currency")).toMatchObject({ currency: "CHF" });
  });
});

async function versions(workflow: string): Promise<number> {
  const rows = await world.db.query("SELECT count() AS n FROM workflows WHERE tenant_id = {t:String} AND workflow = {w:String}", { t: world.a.id, w: workflow }, z.object({ n: z.coerce.number() }));
  return rows[0]!.n;
}

