import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric, type MetricInput } from "./registry";
import type { ReworkResult } from "./rework";
import { daysAgo, run, step } from "./testing";

const rw = async (input: MetricInput) => (await runMetric(await testDb(), "rework", input)) as ReworkResult;

describe("rework rate", () => {
  it("counts corrected or rejected reviews and repeated steps, not duplicate deliveries", async () => {
    const t = freshTenant();
    const db = await testDb();
    const base = Array.from({ length: 30 }, () => run(t, { phase: "baseline", at: daysAgo(150) }));
    const live = Array.from({ length: 40 }, () => run(t));
    const draft = step(t, live[9]!, { step: "draft" });
    await commitBatch(db, {
      runs: [...base, ...live],
      steps: [
        // Baseline: 6 runs corrected → 6/30 = 0.2.
        ...base.slice(0, 6).map((r) => step(t, r, { step: "review", review_outcome: "corrected" })),
        // Live: run 0 rejected, run 1 drafted twice, run 2 approved; run 9's one draft is delivered twice.
        step(t, live[0]!, { step: "review", review_outcome: "rejected" }),
        step(t, live[1]!, { step: "draft" }),
        step(t, live[1]!, { step: "draft" }),
        step(t, live[2]!, { step: "review", review_outcome: "approved" }),
        draft,
      ],
    });
    await commitBatch(db, { steps: [draft] });
    const r = await rw({ tenantId: t });
    // By hand: live rework = {0, 1} = 2/40 = 0.05; change = 0.05 − 0.2 = −0.15.
    expect(r.baseline).toEqual({ runs: 30, rework_runs: 6, rework_rate: 0.2 });
    expect(r.live).toEqual({ runs: 40, rework_runs: 2, rework_rate: 0.05 });
    expect(r.change).toBe(-0.15);
    expect(r.headline.value).toBe(0.05);
  });

  it("counts each finished run once: a resent run is one run, an in-flight run is none", async () => {
    const t = freshTenant();
    const db = await testDb();
    const live = Array.from({ length: 40 }, () => run(t));
    const inFlight = run(t);
    await commitBatch(db, {
      runs: live,
      steps: [
        step(t, live[0]!, { step: "review", review_outcome: "corrected" }),
        // The in-flight run's span has not arrived: its repeated draft counts nowhere.
        step(t, inFlight, { step: "draft" }),
        step(t, inFlight, { step: "draft" }),
      ],
    });
    // Ten runs resent in another request.
    await commitBatch(db, { runs: live.slice(0, 10) });
    const r = await rw({ tenantId: t, phase: "live" });
    // By hand: 40 runs, 1 reworked → 1/40 = 0.025.
    expect(r.live).toEqual({ runs: 40, rework_runs: 1, rework_rate: 0.025 });
  });

  it("is insufficient below 30 runs and blind to other tenants and barred workflows", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), { runs: [run(t)], steps: [] });
    expect((await rw({ tenantId: t })).status).toBe("insufficient_data");
    expect((await rw({ tenantId: freshTenant() })).live.runs).toBe(0);
    expect((await rw({ tenantId: t, workflows: ["other"] })).live.runs).toBe(0);
  });
});
