import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { run, step } from "@/metrics/testing";
import { buildWorld, trpcCode, type World } from "./test-world";

let world: World;
let barredRun: string;

beforeAll(async () => {
  world = await buildWorld(await testDb());
  const r = run(world.a.id, { workflow: world.a.workflows[1], outcome: "exception", exception_reason: "late", at: new Date(Date.now() - 3_600_000) });
  await commitBatch(world.db, { runs: [r] });
  barredRun = r.run_id;
});

describe("runs router", () => {
  it("lists a barred member only the runs of their own workflows, and all of them to an unrestricted one", async () => {
    const { a } = world;
    // buildWorld writes 3 runs of the first workflow and 4 of the second; this file adds 1 to the second.
    const all = await world.caller("executive", a).runs.list({ tenant: a.slug });
    expect(all.runs.length).toBe(8);
    const mine = await world.caller("restricted-executive", a).runs.list({ tenant: a.slug });
    expect(mine.runs.length).toBe(3);
    expect(new Set(mine.runs.map((r) => r.workflow))).toEqual(new Set([a.workflows[0]]));
    // Naming the barred workflow is refused outright.
    expect(await trpcCode(world.caller("restricted-executive", a).runs.list({ tenant: a.slug, workflow: a.workflows[1] }))).toBe("FORBIDDEN");
  });

  it("answers a barred run like an unknown one, and shows it to those who may see it", async () => {
    const { a } = world;
    expect(await trpcCode(world.caller("restricted-ops", a).runs.byId({ tenant: a.slug, runId: barredRun }))).toBe("NOT_FOUND");
    expect(await trpcCode(world.caller("restricted-ops", a).runs.byId({ tenant: a.slug, runId: "no-such-run" }))).toBe("NOT_FOUND");
    const seen = await world.caller("ops", a).runs.byId({ tenant: a.slug, runId: barredRun });
    expect(seen).toMatchObject({ workflow: a.workflows[1], run: { outcome: "exception", reason: "late" } });
  });

  it("shows a step delivered after the run's page was read, and the exception item it opens, on the next read", async () => {
    const { a } = world;
    const r = run(a.id, { workflow: a.workflows[0], outcome: "completed", at: new Date(Date.now() - 7_200_000) });
    await commitBatch(world.db, { runs: [r] });
    const ops = world.caller("ops", a);
    const before = await ops.runs.byId({ tenant: a.slug, runId: r.run_id });
    expect(before).toMatchObject({ steps: [], exception: null, run: { exception: 0 } });
    // A late intervention step: the run becomes an exception, which the page must not hide behind what it read.
    await commitBatch(world.db, { steps: [step(a.id, r, { intervention: 1, intervention_reason: "checked by hand", actor: "human" })] });
    const after = await ops.runs.byId({ tenant: a.slug, runId: r.run_id });
    expect(after?.steps.map((s) => s.intervention)).toEqual([1]);
    expect(after).toMatchObject({ run: { exception: 1, reason: "checked by hand" }, exception: { reason: "checked by hand", state: "new" } });
  });

  it("lists, for a workflow's exception count and each reason's, exactly as many runs as the count (drill-down consistency)", async () => {
    const { a } = world;
    const caller = world.caller("ops", a);
    const workflow = a.workflows[1];
    const detail = await caller.workflowDetail.byName({ tenant: a.slug, workflow });
    const { from, to } = detail.exceptions.window;
    const listed = await caller.runs.list({ tenant: a.slug, workflow, phase: "live", exception: true, from, to });
    // By hand: this file's one exception run (reason "late"); buildWorld's runs completed.
    expect(detail.exceptions.live.exception_runs).toBe(1);
    expect(listed.total).toBe(detail.exceptions.live.exception_runs);
    expect(listed.runs.map((r) => r.run_id)).toEqual([barredRun]);
    expect(detail.exceptions.reasons).toEqual([{ reason: "late", runs: 1 }]);
    for (const r of detail.exceptions.reasons) {
      expect((await caller.runs.list({ tenant: a.slug, workflow, phase: "live", exception: true, reason: r.reason, from, to })).total, r.reason).toBe(r.runs);
    }
  });

  it("refuses another tenant's members, an engineer, and a forged cursor", async () => {
    const { a, b } = world;
    expect(await trpcCode(world.caller("executive", b).runs.list({ tenant: a.slug }))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("executive", b).runs.byId({ tenant: a.slug, runId: barredRun }))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("engineer", a).runs.list({ tenant: a.slug }))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("admin", a).runs.list({ tenant: a.slug, cursor: "forged" }))).toBe("BAD_REQUEST");
  });
});
