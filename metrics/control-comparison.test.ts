import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import { type ControlComparisonResult } from "./control-comparison";
import { runMetric } from "./registry";
import { addDays, dayString } from "./scope";
import { TODAY, lockForTest, run } from "./testing";
import { controlProblem, saveWorkflowControls } from "./workflow-controls";

const GO_LIVE = addDays(TODAY, -42);
const compare = async (tenantId: string, workflows: string[] | null = null) =>
  (await runMetric(await testDb(), "control-comparison", { tenantId, workflow: "intake", workflows, from: GO_LIVE, to: addDays(GO_LIVE, 27) })) as ControlComparisonResult;

/** Five runs of `hours` each in event week k (a day into the week), `exceptions` of them exceptions. */
function week(t: string, workflow: string, phase: "baseline" | "live", k: number, hours: number, exceptions: number): RunRow[] {
  const at = new Date(addDays(GO_LIVE, 7 * k + 1).getTime() + 9 * 3_600_000);
  return Array.from({ length: 5 }, (_, i) => run(t, { workflow, phase, hours, at, outcome: i < exceptions ? "exception" : "completed" }));
}

async function world(t: string, control = "intake-east") {
  const db = await testDb();
  const K = [-4, -3, -2, -1];
  const P = [0, 1, 2, 3];
  const treatedPre = [10, 11, 10, 12];
  const controlPre = [8, 8, 9, 9];
  const treatedPost = [9, 8, 9, 8];
  const controlPost = [11, 11, 12, 12];
  const runs = [
    ...K.flatMap((k, i) => [...week(t, "intake", "baseline", k, treatedPre[i]!, 2), ...week(t, control, "baseline", k, controlPre[i]!, 1)]),
    ...P.flatMap((k, i) => [...week(t, "intake", "live", k, treatedPost[i]!, 1), ...week(t, control, "baseline", k, controlPost[i]!, 1)]),
  ];
  await commitBatch(db, { runs });
  await lockForTest(db, t, "intake", GO_LIVE);
  await saveWorkflowControls(db, t, "intake", [control], "test");
  return db;
}

describe("control comparison", () => {
  // The before period is what the locked runs cover (their first week starts 28 days before go-live), within 26 weeks.
  it("subtracts the control's change from the treated change, week by week around go-live", async () => {
    const t = freshTenant();
    await world(t);
    const r = await compare(t);
    // Cycle (weekly medians, hours): gaps before 2, 3, 1, 3 (mean 2.25), after −2, −3, −3, −4 (mean −3):
    // estimate −5.25. Treated 10.75 → 8.5 (−2.25), control 8.5 → 11.5 (+3): −2.25 − 3 = −5.25.
    expect(r.status).toBe("ok");
    expect(r.controls).toEqual(["intake-east"]);
    expect(r.cycle!.status).toBe("ok");
    expect(r.cycle!.estimate).toBeCloseTo(-5.25, 6);
    expect(r.cycle!.treated_change).toBeCloseTo(-2.25, 6);
    expect(r.cycle!.control_change).toBeCloseTo(3, 6);
    expect(r.cycle!.interval![0]).toBeLessThanOrEqual(-5.25);
    expect(r.cycle!.interval![1]).toBeGreaterThanOrEqual(-5.25);
    // Pre-trend: gaps 2, 3, 1, 3 at k −4…−1: Sxy = 0.5, Sxx = 5, slope 0.1.
    expect(r.cycle!.check!.slope).toBeCloseTo(0.1, 6);
    expect(r.cycle!.pre).toEqual([
      { week: dayString(addDays(GO_LIVE, -28)), treated: 10, control: 8 },
      { week: dayString(addDays(GO_LIVE, -21)), treated: 11, control: 8 },
      { week: dayString(addDays(GO_LIVE, -14)), treated: 10, control: 9 },
      { week: dayString(addDays(GO_LIVE, -7)), treated: 12, control: 9 },
    ]);
    // Exceptions: treated 2/5 = 0.4 before, 1/5 = 0.2 after; control 1/5 = 0.2 throughout: −0.2 − 0 = −0.2.
    expect(r.exceptions!.estimate).toBeCloseTo(-0.2, 6);
    expect(r.exceptions!.treated_change).toBeCloseTo(-0.2, 6);
    expect(r.exceptions!.control_change).toBeCloseTo(0, 6);
    expect(r.periods).toEqual({ pre: { from: dayString(addDays(GO_LIVE, -28)), to: dayString(addDays(GO_LIVE, -1)) }, post: { from: dayString(GO_LIVE), to: dayString(addDays(GO_LIVE, 27)) } });
  });

  it("withholds the estimate from a member who may not see the control, naming no control", async () => {
    const t = freshTenant();
    await world(t);
    const r = await compare(t, ["intake"]);
    expect(r.withheld).toBe(true);
    expect(r.cycle).toBeNull();
    expect(r.controls).toEqual([]);
    expect(JSON.stringify(r)).not.toContain("intake-east");
  });

  it("leaves out a control that went live in the window (staggered go-lives) and says there is no clean control", async () => {
    const t = freshTenant();
    const db = await world(t);
    await db.insert("workflows", [{ tenant_id: t, workflow: "intake-east", go_live_date: dayString(addDays(GO_LIVE, 14)), updated_at: new Date() }]);
    const r = await compare(t);
    expect(r.status).toBe("insufficient_data");
    expect(r.reason).toContain("No clean control");
    expect(r.cycle).toBeNull();
  });

  it("says so when no control is set", async () => {
    const r = await compare(freshTenant());
    expect(r.status).toBe("insufficient_data");
    expect(r.reason).toContain("No control workflow");
  });
});

describe("control list check", () => {
  const configured = [
    { workflow: "intake", go_live_date: "2026-03-01" },
    { workflow: "east", go_live_date: null },
    { workflow: "west", go_live_date: "2026-01-01" },
    { workflow: "north", go_live_date: "2026-06-01" },
  ];
  it("accepts a workflow not yet live and one that goes live later", () => {
    expect(controlProblem("intake", ["east", "north"], configured, "2026-04-01")).toBeNull();
  });
  it("refuses the workflow itself, an unknown one, a duplicate and one live before it", () => {
    expect(controlProblem("intake", ["intake"], configured, "2026-04-01")).toContain("its own control");
    expect(controlProblem("intake", ["south"], configured, "2026-04-01")).toContain("no workflow south");
    expect(controlProblem("intake", ["east", "east"], configured, "2026-04-01")).toContain("twice");
    expect(controlProblem("intake", ["west"], configured, "2026-04-01")).toContain("went live on 2026-01-01");
  });
});
