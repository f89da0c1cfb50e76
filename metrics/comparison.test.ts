import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import type { CycleTimeResult } from "./cycle-time";
import type { ExceptionRateResult } from "./exception-rate";
import { type MetricInput, runMetric } from "./registry";
import { daysAgo, lockForTest, run, step } from "./testing";

const cycle = async (input: MetricInput) => (await runMetric(await testDb(), "cycle-time", input)) as CycleTimeResult;
const rate = async (input: MetricInput) => (await runMetric(await testDb(), "exception-rate", input)) as ExceptionRateResult;

/** n runs of `hours` each (or hours(i)), in one workflow and phase, started `ago` days ago. */
const runs = (t: string, n: number, over: Partial<RunRow> & { ago: number; hours?: number; hoursOf?: (i: number) => number }): RunRow[] =>
  Array.from({ length: n }, (_, i) => {
    const { ago, hoursOf, ...rest } = over;
    return run(t, { ...rest, at: daysAgo(ago), hours: hoursOf ? hoursOf(i) : (over.hours ?? 1) });
  });

/** Type-7 quantile computed here, independently of the engine. */
function type7(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = p * (s.length - 1);
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[lo + 1] ?? s[lo]!) - s[lo]!);
}

describe("comparisons cite the lock", () => {
  it("a workflow never locked has no comparison, only a live side", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), { runs: [...runs(t, 40, { phase: "baseline", ago: 200, hours: 10 }), ...runs(t, 40, { ago: 5, hours: 5 })] });
    const r = await cycle({ tenantId: t, workflow: "intake" });
    expect(r.status).toBe("insufficient_data");
    expect(r.compression).toBeNull();
    expect(r.reason).toContain("baseline not locked");
    expect(r.live.n).toBe(40);
  });

  it("an import after the lock moves nothing until a new version is locked", async () => {
    const t = freshTenant();
    const db = await testDb();
    await commitBatch(db, { runs: [...runs(t, 40, { phase: "baseline", ago: 200, hours: 10 }), ...runs(t, 40, { ago: 5, hours: 6.5 })] });
    await lockForTest(db, t, "intake", daysAgo(100));
    const before = await cycle({ tenantId: t, workflow: "intake" });
    // By hand: 1 − 6.5 / 10 = 0.35.
    expect(before.compression).toBe(0.35);
    await commitBatch(db, { runs: runs(t, 60, { phase: "baseline", ago: 150, hours: 30 }) });
    const after = await cycle({ tenantId: t, workflow: "intake" });
    expect(after.compression).toBe(0.35);
    expect(after.baseline.n).toBe(40);
    expect(after.baselineVersion).toBe(1);
    await lockForTest(db, t, "intake", daysAgo(100), 2);
    const relocked = await cycle({ tenantId: t, workflow: "intake" });
    // Version 2 holds 100 runs: 40 of 10 h and 60 of 30 h, so p50 = 30 h and compression = 1 − 6.5/30.
    expect(relocked.baselineVersion).toBe(2);
    expect(relocked.baseline.n).toBe(100);
    expect(relocked.compression).toBe(Math.round((1 - 6.5 / 30) * 1e4) / 1e4);
  });
});

describe("a lock version holds exactly what its lock saw", () => {
  it("drops rows an interrupted earlier attempt left for the same version", async () => {
    const t = freshTenant();
    const db = await testDb();
    await commitBatch(db, { runs: runs(t, 30, { phase: "baseline", ago: 200, hours: 10 }) });
    const stray = { tenant_id: t, workflow: "intake", version: 1, run_id: "left-over", start_time: daysAgo(300), end_time: daysAgo(300), cycle_seconds: 1 };
    await db.insert("baseline_lock_runs", [stray]);
    await lockForTest(db, t, "intake", daysAgo(100));
    await commitBatch(db, { runs: runs(t, 30, { ago: 5, hours: 5 }) });
    const r = await cycle({ tenantId: t, workflow: "intake" });
    expect(r.baseline).toEqual({ n: 30, p50_hours: 10, p90_hours: 10, mean_hours: 10 });
  });
});

describe("each run counted once", () => {
  it("the same run spans resent in another request, and a retry with a new token, count once", async () => {
    const t = freshTenant();
    const db = await testDb();
    const live = runs(t, 41, { ago: 4, hoursOf: (i) => i + 1 });
    await commitBatch(db, { runs: live }, { dedupToken: `${t}-a` });
    await commitBatch(db, { runs: live.slice(0, 20) }, { dedupToken: `${t}-b` });
    await commitBatch(db, { runs: [...live.slice(30), ...live.slice(5, 9)] }, { dedupToken: `${t}-c` });
    const r = await cycle({ tenantId: t, phase: "live" });
    // 1..41 h: p50 = 21, p90 = 37, mean 21.
    expect(r.live).toEqual({ n: 41, p50_hours: 21, p90_hours: 37, mean_hours: 21 });
  });

  it("quantiles are exact past 8,192 runs a side, and the same on every call", async () => {
    const t = freshTenant();
    const db = await testDb();
    // 9,001 distinct durations, scrambled so insertion order says nothing.
    const hours = Array.from({ length: 9001 }, (_, i) => ((i * 7919) % 9001) / 100 + 0.5);
    await commitBatch(db, { runs: hours.map((h) => run(t, { at: daysAgo(3), hours: h })) });
    const first = await cycle({ tenantId: t, phase: "live" });
    expect(first.live.p50_hours).toBeCloseTo(type7(hours, 0.5), 6);
    expect(first.live.p90_hours).toBeCloseTo(type7(hours, 0.9), 6);
    for (let i = 0; i < 3; i++) expect((await cycle({ tenantId: t, phase: "live" })).live).toEqual(first.live);
  });
});

describe("exception rate", () => {
  it("in-flight runs count nowhere, whatever their steps say", async () => {
    const t = freshTenant();
    const finished = runs(t, 40, { ago: 3 });
    const inFlight = runs(t, 10, { ago: 3 });
    await commitBatch(await testDb(), {
      runs: finished,
      steps: inFlight.map((r) => step(t, r, { actor: "human", intervention: 1, intervention_reason: "stuck" })),
    });
    const r = await rate({ tenantId: t, workflow: "intake" });
    expect(r.live).toEqual({ runs: 40, exception_runs: 0, exception_rate: 0, straight_through_rate: 1 });
    expect(r.reasons).toEqual([]);
  });

  it("an unknown outcome or actor stays unknown, never 0 or 1", async () => {
    const t = freshTenant();
    const db = await testDb();
    const base = runs(t, 40, { phase: "baseline", ago: 200, outcome: "unknown" });
    await commitBatch(db, { runs: base, steps: base.map((r) => step(t, r, { actor: "unknown" })) });
    await commitBatch(db, { runs: runs(t, 40, { ago: 3 }) });
    await lockForTest(db, t, "intake", daysAgo(100));
    const r = await rate({ tenantId: t, workflow: "intake" });
    expect(r.baseline).toEqual({ runs: 40, exception_runs: 0, exception_rate: null, straight_through_rate: null });
    expect(r.live.exception_rate).toBe(0);
    const alone = await rate({ tenantId: t, phase: "baseline", from: daysAgo(300) });
    expect(alone.status).toBe("insufficient_data");
    expect(alone.headline).toMatchObject({ value: null, label: "Baseline exception rate" });
  });
});

describe("firm-wide comparisons take comparable workflows only", () => {
  it("leaves out a workflow with no baseline and one with no live runs, and lists them", async () => {
    const t = freshTenant();
    const db = await testDb();
    const exc = (n: number, k: number) => (i: number) => (i < k ? "exception" : "completed");
    const mk = (wf: string, n: number, k: number, phase: "baseline" | "live", ago: number, hours: number) =>
      runs(t, n, { workflow: wf, phase, ago, hours }).map((r, i) => ({ ...r, outcome: exc(n, k)(i) as RunRow["outcome"] }));
    await commitBatch(db, {
      runs: [
        ...mk("a", 40, 8, "baseline", 200, 10), ...mk("a", 40, 2, "live", 3, 5),
        ...mk("b", 60, 6, "baseline", 200, 4), ...mk("b", 60, 3, "live", 3, 3),
        ...mk("new", 50, 25, "live", 3, 0.5),
        ...mk("old", 40, 0, "baseline", 200, 100),
      ],
    });
    for (const wf of ["a", "b", "old"]) await lockForTest(db, t, wf, daysAgo(100));
    const c = await cycle({ tenantId: t });
    // a: 1 − 5/10 = 0.5 over 40 live runs; b: 1 − 3/4 = 0.25 over 60: (0.5·40 + 0.25·60) / 100 = 0.35.
    expect(c.compression).toBe(0.35);
    expect(c.workflows.map((w) => w.workflow)).toEqual(["a", "b"]);
    expect(c.excluded).toEqual([
      { workflow: "new", reason: "baseline not locked" },
      { workflow: "old", reason: "0 live runs in the window; needs 30" },
    ]);
    const e = await rate({ tenantId: t });
    // Pooled over a and b only: live (2 + 3) / 100, baseline (8 + 6) / 100.
    expect(e.live.exception_rate).toBe(0.05);
    expect(e.baseline.exception_rate).toBe(0.14);
    expect(e.workflows).toEqual(["a", "b"]);
  });
});
