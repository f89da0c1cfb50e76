import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { runMetric } from "@/metrics/registry";
import { buildWorld, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
});

describe("the overview procedure", () => {
  it("returns the metrics engine's own results for the same window, with no second computation", async () => {
    const asOf = { from: "2026-01-01", to: "2026-12-31" };
    const o = await world.caller("executive", world.a).overview.summary({ tenant: world.a.slug, ...asOf });
    const input = { tenantId: world.a.id, workflows: null, from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-12-31T00:00:00Z") };
    expect(o.labor).toEqual(await runMetric(world.db, "labor-hours", input));
    expect(o.cycle).toEqual(await runMetric(world.db, "cycle-time", input));
    expect(o.exceptions).toEqual(await runMetric(world.db, "exception-rate", input));
    expect(o.freshness).toEqual(await runMetric(world.db, "freshness", input));
  });

  it("scopes a member behind an information barrier to their workflows", async () => {
    const o = await world.caller("restricted-ops", world.a).overview.summary({ tenant: world.a.slug });
    expect(o.labor.workflows.map((w) => w.workflow)).toEqual([world.a.workflows[0]]);
  });
});
