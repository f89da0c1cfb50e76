import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { addDays, dayString, startOfUtcDay } from "@/metrics/scope";
import { buildWorld, trpcCode, type World } from "./test-world";

let world: World;

beforeAll(async () => {
  world = await buildWorld(await testDb());
  // Both of tenant a's workflows are live; neither has a locked baseline, so their signs are unknown.
  const goLive = dayString(addDays(startOfUtcDay(new Date()), -20));
  await world.db.insert("workflows", world.a.workflows.map((workflow) => ({ tenant_id: world.a.id, workflow, go_live_date: goLive })));
});

describe("the pilot-trap procedure", () => {
  it("lists every live workflow for a member without a barrier, each unknown rather than fine", async () => {
    const r = await world.caller("executive", world.a).overview.pilotTrap({ tenant: world.a.slug });
    expect(r.workflows.map((w) => w.workflow)).toEqual([...world.a.workflows].sort());
    expect(r.workflows.every((w) => w.unknown && !w.flagged)).toBe(true);
    expect(r.status).toBe("insufficient_data");
    expect(r.headline.value).toBeNull();
  });

  it("shows a member behind a barrier only their workflows, and refuses a barred one they name", async () => {
    const restricted = world.caller("restricted-executive", world.a);
    const mine = await restricted.overview.pilotTrap({ tenant: world.a.slug });
    expect(mine.workflows.map((w) => w.workflow)).toEqual([world.a.workflows[0]]);
    expect(await trpcCode(restricted.overview.pilotTrap({ tenant: world.a.slug, workflow: world.a.workflows[1] }))).toBe("FORBIDDEN");
  });

  it("is refused to engineers and to members of another tenant", async () => {
    expect(await trpcCode(world.caller("engineer", world.a).overview.pilotTrap({ tenant: world.a.slug }))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("executive", world.b).overview.pilotTrap({ tenant: world.a.slug }))).not.toBe("ok");
  });
});
