import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import { runMetric, type MetricInput } from "./registry";
import type { MilestonesResult } from "./milestones";
import { overall, passedStatus, project, upcomingStatus } from "./milestone-status";
import { dayString } from "./scope";
import { daysAgo, lockForTest, run } from "./testing";

const ms = async (input: MetricInput) => (await runMetric(await testDb(), "milestones", input)) as MilestonesResult;
const targets = JSON.stringify({ cycle_time_compression: 0.3, exception_rate: 0.05, labor_hours_30d: 1000 });

async function setUp(t: string, goLiveDaysAgo: number, live: RunRow[]) {
  const db = await testDb();
  const goLive = dayString(daysAgo(goLiveDaysAgo));
  await db.insert("workflows", [{ tenant_id: t, workflow: "intake", go_live_date: goLive, hourly_cost: 50, targets }]);
  const baseline = Array.from({ length: 30 }, () => run(t, { phase: "baseline", hours: 10, at: daysAgo(goLiveDaysAgo + 30), human_minutes: 10 }));
  await commitBatch(db, { runs: [...baseline, ...live] });
  await lockForTest(db, t, "intake", daysAgo(goLiveDaysAgo), 3);
}

describe("milestones", () => {
  it("shows the 90-day checkpoint of a workflow 45 days after go-live as on track or at risk from its projection", async () => {
    const t = freshTenant();
    // Six weeks after go-live, 10 runs a week, each week's runs one hour shorter: compression climbs 0.1 a week.
    const live = [0, 1, 2, 3, 4, 5].flatMap((k) => Array.from({ length: 10 }, () => run(t, { at: daysAgo(44 - 7 * k), hours: 10 - k, human_minutes: 5 })));
    await setUp(t, 45, live);
    const r = await ms({ tenantId: t });
    const c90 = r.workflows[0]!.checkpoints[0]!;
    expect(r.baselineVersion).toBe(3);
    expect(c90).toMatchObject({ days: 90, passed: false });
    const byName = Object.fromEntries(c90.metrics.map((m) => [m.metric, m]));
    // Compression is projected along its weekly trend to day 90, far above the 0.3 target.
    expect(byName.cycle_time_compression!.projection!.method).toBe("weekly trend");
    expect(byName.cycle_time_compression!.status).toBe("on track");
    // No exceptions at all: the projected rate is 0 ≤ 0.05.
    expect(byName.exception_rate!.status).toBe("on track");
    // (10 − 5)/60 hours × ~40 runs in 30 days is nowhere near 1000 hours.
    expect(byName.labor_hours_30d!.status).toBe("at risk");
    expect(["on track", "at risk"]).toContain(c90.status);
    expect(c90.status).toBe("at risk");
    // Both baselines are the lock's: baseline runs imported after it move neither.
    expect(byName.cycle_time_compression!.baseline).toBe(10);
    expect(byName.exception_rate!.baseline).toBe(0);
    const late = Array.from({ length: 40 }, () => run(t, { phase: "baseline", hours: 20, at: daysAgo(80), outcome: "exception" }));
    await commitBatch(await testDb(), { runs: late });
    const again = (await ms({ tenantId: t })).workflows[0]!.checkpoints[0]!.metrics;
    expect(again.map((m) => m.baseline)).toEqual(c90.metrics.map((m) => m.baseline));
  });

  it("shows all three checkpoints of a workflow 400 days after go-live as met or missed", async () => {
    const t = freshTenant();
    // 40 runs in each checkpoint's trailing 30 days: 5 h (compression 0.5); 10 exceptions before day 182.
    const window = (checkpointDaysAgo: number, exceptions: number) =>
      Array.from({ length: 40 }, (_, i) => run(t, { at: daysAgo(checkpointDaysAgo + 10), hours: 5, human_minutes: 2, outcome: i < exceptions ? "exception" : "completed" }));
    await setUp(t, 400, [...window(310, 0), ...window(218, 10), ...window(35, 1)]);
    const r = await ms({ tenantId: t });
    const [c90, c182, c365] = r.workflows[0]!.checkpoints;
    for (const c of [c90!, c182!, c365!]) {
      expect(c.passed).toBe(true);
      expect(["met", "missed"]).toContain(c.status);
    }
    const metric = (c: typeof c90, name: string) => c!.metrics.find((m) => m.metric === name)!;
    expect(metric(c90, "cycle_time_compression")).toMatchObject({ value: 0.5, status: "met" });
    expect(metric(c182, "exception_rate")).toMatchObject({ value: 0.25, status: "missed" });
    expect(metric(c365, "exception_rate")).toMatchObject({ value: 0.025, status: "met" });
    expect(c90!.status).toBe("missed"); // 40 · 8 min = 5.3 h, not 1000
  });

  it("reports no workflow with a go-live date as insufficient data, and hides barred workflows", async () => {
    expect((await ms({ tenantId: freshTenant() })).status).toBe("insufficient_data");
    const t = freshTenant();
    await setUp(t, 45, []);
    expect((await ms({ tenantId: t, workflows: ["billing"] })).workflows).toEqual([]);
    const c90 = (await ms({ tenantId: t })).workflows[0]!.checkpoints[0]!;
    expect(c90.status).toBe("no data");
  });

  it("decides statuses by the rules, checked without the store", () => {
    expect(passedStatus(0.31, { bar: 0.3, direction: "up" })).toBe("met");
    expect(passedStatus(0.06, { bar: 0.05, direction: "down" })).toBe("missed");
    expect(passedStatus(null, { bar: 0.05, direction: "down" })).toBe("no data");
    // Weeks 0–3 at 0.1, 0.2, 0.3, 0.4: the line reaches 0.1 + 0.1·7 = 0.8 at week 7.
    const week = (n: number) => new Date(Date.UTC(2026, 0, 5) + n * 604_800_000);
    const p = project([0, 1, 2, 3].map((n) => ({ week: week(n).toISOString(), value: 0.1 * (n + 1) })), 0.4, week(7))!;
    expect(p.value).toBeCloseTo(0.8, 9);
    expect(upcomingStatus(p, { bar: 0.9, direction: "up" })).toBe("at risk");
    expect(project([], 0.2, week(10))).toEqual({ method: "current 30-day value", value: 0.2, slope_per_week: null });
    expect(overall(["met", "no data", "on track"])).toBe("on track");
    expect(overall(["met", "missed"])).toBe("missed");
  });
});
