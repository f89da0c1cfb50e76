import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow, StepRow } from "@/ingest/rows";
import { runMetric, type MetricInput } from "./registry";
import type { ExceptionRateResult } from "./exception-rate";
import { daysAgo, run, step } from "./testing";

const rate = async (input: MetricInput) => (await runMetric(await testDb(), "exception-rate", input)) as ExceptionRateResult;

describe("exception rate", () => {
  it("counts a run flagged by its own span and by a step once, and splits the reasons", async () => {
    const t = freshTenant();
    const runs: RunRow[] = Array.from({ length: 40 }, (_, i) =>
      run(t, i < 4 ? { outcome: "exception", exception_reason: "missing-doc" } : {}),
    );
    const steps: StepRow[] = [
      // Runs 3, 4, 5 need a person to intervene; run 3 is also an exception by outcome.
      ...[3, 4, 5].map((i) => step(t, runs[i]!, { actor: "human", intervention: 1, intervention_reason: "manual-check" })),
      // Runs 10..14 have a planned human step: not exceptions, but not straight-through either.
      ...[10, 11, 12, 13, 14].map((i) => step(t, runs[i]!, { actor: "human", human_minutes: 5 })),
      ...runs.map((r) => step(t, r, { actor: "ai" })),
    ];
    const db = await testDb();
    await commitBatch(db, { runs, steps });
    // A step delivered again in another request must not count its run twice.
    await commitBatch(db, { steps: [step(t, runs[4]!, { intervention: 1, intervention_reason: "manual-check" })] });
    const r = await rate({ tenantId: t, workflow: "intake" });
    // By hand: exception runs {0,1,2,3} ∪ {3,4,5} = 6 of 40 = 0.15; human runs {3,4,5,10..14} = 8 → STP 32/40.
    expect(r.live).toEqual({ runs: 40, exception_runs: 6, exception_rate: 0.15, straight_through_rate: 0.8 });
    expect(r.headline.value).toBe(0.15);
    // Each exception run once, under its outcome's reason (run 3), else its intervention's (runs 4, 5).
    expect(r.reasons).toEqual([
      { reason: "missing-doc", runs: 4 },
      { reason: "manual-check", runs: 2 },
    ]);
  });

  it("reports a workflow where every run is an exception as 1, and below 30 runs as insufficient", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), {
      runs: [
        ...Array.from({ length: 30 }, () => run(t, { workflow: "claims", outcome: "exception" })),
        ...Array.from({ length: 5 }, () => run(t, { workflow: "intake" })),
      ],
    });
    expect((await rate({ tenantId: t, workflow: "claims" })).headline.value).toBe(1);
    const small = await rate({ tenantId: t, workflow: "intake" });
    expect(small.status).toBe("insufficient_data");
    expect(small.headline.value).toBeNull();
    expect(small.live.exception_rate).toBe(0);
  });

  it("calls a steady weekly fall declining and an up-and-down series flat", async () => {
    const t = freshTenant();
    const weekOf = (w: number, n: number, exceptions: number, wf: string) =>
      Array.from({ length: n }, (_, i) => run(t, { workflow: wf, at: daysAgo(7 * (6 - w) + 1), outcome: i < exceptions ? "exception" : "completed" }));
    const falling = [0, 1, 2, 3, 4, 5].flatMap((w) => weekOf(w, 10, 5 - w, "falling"));
    const noisy = [0, 1, 2, 3, 4, 5].flatMap((w) => weekOf(w, 10, [3, 1, 4, 1, 5, 2][w]!, "noisy"));
    await commitBatch(await testDb(), { runs: [...falling, ...noisy] });
    const from = daysAgo(60);
    const f = await rate({ tenantId: t, workflow: "falling", from });
    expect(f.weekly.map((w) => w.exception_rate)).toEqual([0.5, 0.4, 0.3, 0.2, 0.1, 0]);
    expect(f.trend?.slope).toBeCloseTo(-0.1, 6);
    expect(f.trend?.direction).toBe("declining");
    expect((await rate({ tenantId: t, workflow: "noisy", from })).trend?.direction).toBe("flat");
  });

  it("reports an empty window as insufficient data and counts runs by the UTC day they started", async () => {
    const t = freshTenant();
    expect((await rate({ tenantId: t, phase: "live" })).live).toEqual({ runs: 0, exception_runs: 0, exception_rate: null, straight_through_rate: null });
    // One exception run starts the minute before the window and ends inside it: it belongs to the day before.
    const edge = daysAgo(10, 0);
    await commitBatch(await testDb(), {
      runs: [run(t, { at: new Date(edge.getTime() - 60_000), outcome: "exception" }), run(t, { at: edge })],
    });
    expect((await rate({ tenantId: t, from: edge, to: daysAgo(1), phase: "live" })).live).toMatchObject({ runs: 1, exception_runs: 0 });
  });

  it("never counts another tenant's runs or a workflow behind the barrier", async () => {
    const a = freshTenant();
    const b = freshTenant();
    await commitBatch(await testDb(), {
      runs: [run(a), run(b, { outcome: "exception" }), run(a, { workflow: "secret", outcome: "exception" })],
    });
    expect((await rate({ tenantId: a, workflows: ["intake"], phase: "live" })).live).toMatchObject({ runs: 1, exception_runs: 0 });
    expect((await rate({ tenantId: a, phase: "live" })).live).toMatchObject({ runs: 2, exception_runs: 1 });
    expect((await rate({ tenantId: a, workflows: [], phase: "live" })).live.runs).toBe(0);
    expect((await rate({ tenantId: a, workflow: "secret", workflows: ["intake"] })).live.runs).toBe(0);
  });
});
