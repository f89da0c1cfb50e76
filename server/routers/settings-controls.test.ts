import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
});

const config = (workflow: string, go_live_date: string | null) => ({
  workflow,
  go_live_date,
  hourly_cost: 100,
  currency: "USD",
  review_sla_minutes: 60,
  exception_sla_minutes: 240,
  targets: "{}",
  approved_models: "{}",
  platform_cost_monthly: 0,
  implementation_cost: 0,
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("control workflows in the settings", () => {
  it("stores a control list that the list shows, and keeps it when a later save leaves it out", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    const t = world.a.slug;
    await admin.save({ tenant: t, ...config("ctl-east", null) });
    await admin.save({ tenant: t, ...config("ctl-later", day(30)) });
    expect(await admin.save({ tenant: t, ...config("ctl-intake", day(-60)), controls: ["ctl-east", "ctl-later"] })).toMatchObject({ changed: true });
    await admin.save({ tenant: t, ...config("ctl-intake", day(-60)), hourly_cost: 110 });
    const saved = (await admin.list({ tenant: t })).find((c) => c.workflow === "ctl-intake");
    expect(saved).toMatchObject({ hourly_cost: 110, controls: ["ctl-east", "ctl-later"] });
    expect(await admin.save({ tenant: t, ...config("ctl-intake", day(-60)), hourly_cost: 110, controls: ["ctl-east", "ctl-later"] })).toMatchObject({ changed: false });
  });

  it("refuses the workflow itself, a workflow that does not exist and one live before it, with a sentence", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    const t = world.a.slug;
    await admin.save({ tenant: t, ...config("ctl-early", day(-90)) });
    const base = { tenant: t, ...config("ctl-treated", day(-60)) };
    await expect(admin.save({ ...base, controls: ["ctl-treated"] })).rejects.toThrow("ctl-treated cannot be its own control");
    await expect(admin.save({ ...base, controls: ["no-such-workflow"] })).rejects.toThrow("there is no workflow no-such-workflow");
    await expect(admin.save({ ...base, controls: ["ctl-early"] })).rejects.toThrow(`ctl-early went live on ${day(-90)}`);
    await expect(admin.save({ ...base, controls: ["bad name!"] })).rejects.toThrow("Control workflows:");
    // Nothing of a refused save is stored.
    expect((await admin.list({ tenant: t })).find((c) => c.workflow === "ctl-treated")).toBeUndefined();
  });
});
