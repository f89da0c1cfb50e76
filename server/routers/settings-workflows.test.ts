import { beforeAll, describe, expect, it } from "vitest";
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

  it("refuses targets or approved models that are not the documented JSON", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    await expect(admin.save({ tenant: world.a.slug, ...config, targets: "{not json" })).rejects.toThrow(/documented shape/);
    await expect(admin.save({ tenant: world.a.slug, ...config, approved_models: '{"phi":"gpt-4o"}' })).rejects.toThrow(/documented shape/);
  });
});
