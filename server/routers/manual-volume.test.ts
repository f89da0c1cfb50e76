import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { addDays, dayString } from "@/metrics/scope";
import { TODAY, daysAgo, run } from "@/metrics/testing";
import { setGoLive } from "@/server/baseline/workflow-settings";
import { buildWorld, trpcCode, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
});

const config = {
  workflow: "manual-intake",
  display_name: "Manual intake",
  go_live_date: null,
  hourly_cost: 120,
  currency: "EUR",
  review_sla_minutes: 60,
  exception_sla_minutes: 240,
  targets: "{}",
  approved_models: "{}",
  platform_cost_monthly: 0,
  implementation_cost: 0,
};

describe("the declared manual volume", () => {
  it("is saved with the workflow settings by an admin, audited, and kept when the go-live is set", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    await admin.save({ tenant: world.a.slug, ...config, manual_runs_per_week: 12.5 });
    const list = async () => (await admin.list({ tenant: world.a.slug })).find((c) => c.workflow === "manual-intake");
    expect(await list()).toMatchObject({ manual_runs_per_week: 12.5 });
    const audited = await world.db.query(
      "SELECT count() AS n FROM audit_log WHERE tenant_id = {t:String} AND action = 'settingsWorkflows.save' AND input_summary LIKE '%manual_runs_per_week%'",
      { t: world.a.id },
      z.object({ n: z.coerce.number() }),
    );
    expect(audited[0]?.n).toBeGreaterThan(0);
    // Setting the go-live (which locks the baseline run) copies the current version: the declared volume stays.
    await world.db.insert("runs", [run(world.a.id, { workflow: "manual-intake", phase: "baseline", at: daysAgo(40) })]);
    const goLive = dayString(addDays(TODAY, -30));
    await setGoLive(world.db, { tenantId: world.a.id, workflow: "manual-intake", goLiveDate: goLive, actor: "test" });
    expect(await list()).toMatchObject({ manual_runs_per_week: 12.5, go_live_date: goLive });
  });

  it("refuses a negative volume with a message naming the field, and anyone but an admin", async () => {
    const admin = world.caller("admin", world.a).settingsWorkflows;
    await expect(admin.save({ tenant: world.a.slug, ...config, manual_runs_per_week: -1 })).rejects.toThrow("Manual runs / week: must be 0 or more");
    expect(await trpcCode(world.caller("ops", world.a).settingsWorkflows.save({ tenant: world.a.slug, ...config, manual_runs_per_week: 3 }))).toBe("FORBIDDEN");
  });
});
