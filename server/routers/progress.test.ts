import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { addDays, dayString, startOfUtcDay } from "@/metrics/scope";
import { buildWorld, type World } from "./test-world";

let world: World;
const goLive = dayString(addDays(startOfUtcDay(new Date()), -100));

beforeAll(async () => {
  world = await buildWorld(await testDb());
  // Both of tenant a's workflows went live 100 days ago: each has one checkpoint due (90 days).
  await world.db.insert("workflows", world.a.workflows.map((workflow) => ({ tenant_id: world.a.id, workflow, go_live_date: goLive })));
});

describe("the overview's progress procedures", () => {
  it("give each workflow's months since go-live and count the due checkpoint of each", async () => {
    const t = await world.caller("executive", world.a).overview.checkpoints({ tenant: world.a.slug });
    expect(t.workflows.map((w) => [w.workflow, w.months_since_go_live])).toEqual([...world.a.workflows].sort().map((w) => [w, 3]));
    // Neither workflow has a locked baseline nor 30 runs: the due checkpoints are unknown, not missed.
    expect(t.due).toEqual({ due: 2, met: 0, missed: 0, unknown: 2, upcoming: 4 });
  });

  it("scope a member behind an information barrier to their workflows", async () => {
    const caller = world.caller("restricted-ops", world.a);
    const t = await caller.overview.checkpoints({ tenant: world.a.slug });
    expect(t.workflows.map((w) => w.workflow)).toEqual([world.a.workflows[0]]);
    const p = await caller.overview.progress({ tenant: world.a.slug });
    expect(new Set(p.markers.map((m) => m.workflow))).toEqual(new Set([world.a.workflows[0]]));
    expect(p.markers.map((m) => m.kind)).toContain("go-live");
  });
});
