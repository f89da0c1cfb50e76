import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { runMetric, type MetricKey } from "@/metrics/registry";
import { addDays, dayString, startOfUtcDay } from "@/metrics/scope";
import { buildWorld, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
});

describe("the overview procedure", () => {
  it("returns the metrics engine's own results for the same window, with no second computation", async () => {
    // The world's runs start two days ago: a window from nine days ago to today holds all of them, in
    // any year (a fixed 2026 window would compare two empty results from January 2027 on).
    const from = dayString(addDays(startOfUtcDay(new Date()), -9));
    const to = dayString(startOfUtcDay(new Date()));
    const o = await world.caller("executive", world.a).overview.summary({ tenant: world.a.slug, from, to });
    const input = { tenantId: world.a.id, workflows: null, from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) };
    // Not an empty window: tenant a's 3 runs of its first workflow and 4 of its second are all inside it.
    const inWindow = await world.db.query(
      "SELECT count() AS n FROM runs FINAL WHERE tenant_id = {t:String} AND start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}",
      { t: world.a.id, from: input.from, to: addDays(input.to, 1) },
      z.object({ n: z.coerce.number() }),
    );
    expect(inWindow[0]!.n).toBe(7);
    // Each comes with the time it was computed (a scorecard may be read from the store: docs/design.md).
    const engine = async (key: MetricKey) => ({ ...(await runMetric(world.db, key, input)), computedAt: expect.any(String) as unknown });
    expect(o.labor).toEqual(await engine("labor-hours"));
    expect(o.cycle).toEqual(await engine("cycle-time"));
    expect(o.exceptions).toEqual(await engine("exception-rate"));
    expect(o.freshness).toEqual(await engine("freshness"));
  });

  it("scopes a member behind an information barrier to their workflows", async () => {
    const o = await world.caller("restricted-ops", world.a).overview.summary({ tenant: world.a.slug });
    expect(o.labor.workflows.map((w) => w.workflow)).toEqual([world.a.workflows[0]]);
  });
});
