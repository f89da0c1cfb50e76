import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { z } from "zod";
import { runMetric } from "./registry";
import { type CycleTimeResult, cycleTime } from "./cycle-time";
import { scopeOf } from "./scope";
import { daysAgo, lockForTest, run } from "./testing";

const cycle = async (input: Parameters<typeof runMetric>[2]) =>
  (await runMetric(await testDb(), "cycle-time", input)) as CycleTimeResult;

describe("cycle time", () => {
  it("reports an empty window as insufficient data with n = 0", async () => {
    const r = await cycle({ tenantId: freshTenant() });
    expect(r.status).toBe("insufficient_data");
    expect(r.live).toEqual({ n: 0, p50_hours: null, p90_hours: null, mean_hours: null });
    expect(r.headline.value).toBeNull();
  });

  it("describes a single run exactly and refuses to compare it", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), { runs: [run(t, { hours: 2.5 })] });
    expect((await cycle({ tenantId: t, phase: "live" })).live).toEqual({ n: 1, p50_hours: 2.5, p90_hours: 2.5, mean_hours: 2.5 });
    const r = await cycle({ tenantId: t, workflow: "intake" });
    expect(r.live).toEqual({ n: 1, p50_hours: 2.5, p90_hours: 2.5, mean_hours: 2.5 });
    expect(r.status).toBe("insufficient_data");
    expect(r.reason).toContain("baseline not locked");
  });

  it("halving every run gives compression 0.5, a tight interval above zero and a tiny p-value", async () => {
    const t = freshTenant();
    const db = await testDb();
    // Baseline 1..30 h, live 0.5..15 h. By hand (type-7 quantiles): baseline p50 = 15.5, p90 = 27.1,
    // mean = 15.5; live p50 = 7.75, so compression = 1 − 7.75/15.5 = 0.5.
    const baseline = Array.from({ length: 30 }, (_, i) => run(t, { phase: "baseline", hours: i + 1, at: daysAgo(200) }));
    const live = Array.from({ length: 30 }, (_, i) => run(t, { hours: (i + 1) / 2, at: daysAgo(5) }));
    await commitBatch(db, { runs: [...baseline, ...live] });
    await lockForTest(db, t, "intake", daysAgo(100));
    const r = await cycle({ tenantId: t, workflow: "intake" });
    expect(r.status).toBe("ok");
    expect(r.baseline).toEqual({ n: 30, p50_hours: 15.5, p90_hours: 27.1, mean_hours: 15.5 });
    expect(r.live.p50_hours).toBe(7.75);
    expect(r.compression).toBe(0.5);
    expect(r.headline.value).toBe(0.5);
    expect(r.interval![0]).toBeGreaterThan(0);
    expect(r.interval![1]).toBeLessThan(1);
    expect(r.p_value!).toBeLessThan(0.001);
    // Same data, same seed: the interval is reproducible.
    expect((await cycle({ tenantId: t, workflow: "intake" })).interval).toEqual(r.interval);
    // The figures alone (a milestone's checkpoint): the same sides and compression, nothing else computed.
    const lean = await cycle({ tenantId: t, workflow: "intake", figuresOnly: true });
    expect([lean.status, lean.baseline, lean.live, lean.compression]).toEqual([r.status, r.baseline, r.live, 0.5]);
    expect([lean.interval, lean.p_value, lean.series]).toEqual([null, null, []]);
  });

  it("counts a run by the UTC day it started, whatever the offset the window was written in", async () => {
    const t = freshTenant();
    const edge = daysAgo(10, 0);
    await commitBatch(await testDb(), {
      runs: [run(t, { at: new Date(edge.getTime() - 60_000), hours: 48 }), run(t, { at: edge, hours: 1 })],
    });
    // 19:00 at −05:00 on the previous evening is 00:00 UTC on the edge day.
    const from = new Date(new Date(edge.getTime() - 5 * 3_600_000).toISOString().slice(0, 19) + "-05:00");
    const r = await cycle({ tenantId: t, from, to: daysAgo(1), phase: "live" });
    expect(r.live.n).toBe(1);
    expect(r.live.p50_hours).toBe(1);
  });

  it("does not double count a batch delivered twice", async () => {
    const t = freshTenant();
    const db = await testDb();
    const batch = { runs: [run(t, { hours: 1 }), run(t, { hours: 3 })] };
    await commitBatch(db, batch, { dedupToken: `${t}-1` });
    await commitBatch(db, batch, { dedupToken: `${t}-1` });
    const r = await cycle({ tenantId: t, phase: "live" });
    expect(r.live).toEqual({ n: 2, p50_hours: 2, p90_hours: 2.8, mean_hours: 2 });
  });

  it("never shows another tenant's runs or a workflow outside the user's barrier", async () => {
    const a = freshTenant();
    const b = freshTenant();
    await commitBatch(await testDb(), {
      runs: [run(a, { hours: 1 }), run(b, { hours: 9 }), run(a, { workflow: "billing", hours: 5 })],
    });
    expect((await cycle({ tenantId: a, phase: "live" })).live.n).toBe(2);
    expect((await cycle({ tenantId: a, workflows: ["intake"], phase: "live" })).live.mean_hours).toBe(1);
    expect((await cycle({ tenantId: a, workflows: [], phase: "live" })).live.n).toBe(0);
    expect((await cycle({ tenantId: a, workflow: "billing", workflows: ["intake"] })).live.n).toBe(0);
  });

  it("builds a weekly series of live medians", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), { runs: [run(t, { hours: 2, at: daysAgo(2) }), run(t, { hours: 4, at: daysAgo(2) })] });
    const r = await cycle({ tenantId: t, grain: "day", phase: "live" });
    expect(r.series).toEqual([{ bucket: daysAgo(2).toISOString().slice(0, 10), n: 2, p50_hours: 3 }]);
  });

  it("samples each side's 2,000 runs with the smallest run-id hashes, in hash order", async () => {
    const t = freshTenant();
    const db = await testDb();
    // 2,600 a side, each with its own duration, so a sample is identified by its durations.
    const baseline = Array.from({ length: 2600 }, (_, i) => run(t, { phase: "baseline", hours: 10 + i / 1000, at: daysAgo(200) }));
    const live = Array.from({ length: 2600 }, (_, i) => run(t, { hours: 1 + i / 1000, at: daysAgo(5) }));
    await commitBatch(db, { runs: [...baseline, ...live] });
    await lockForTest(db, t, "intake", daysAgo(100));
    const input = { tenantId: t };
    const { samples } = await cycleTime.load(db, { input, scope: scopeOf(input) });
    // Independently: every run with its hash, sorted here as 64-bit integers.
    const all = await db.query(
      "SELECT phase, toString(cityHash64(run_id)) AS h, toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000 AS s FROM runs WHERE tenant_id = {t:String}",
      { t },
      z.object({ phase: z.string(), h: z.string(), s: z.number() }),
    );
    for (const phase of ["baseline", "live"]) {
      const expected = all
        .filter((r) => r.phase === phase)
        .sort((a, b) => (BigInt(a.h) < BigInt(b.h) ? -1 : BigInt(a.h) > BigInt(b.h) ? 1 : 0))
        .slice(0, 2000)
        .map((r) => r.s);
      expect(samples[phase as "baseline" | "live"].map((x) => x.s)).toEqual(expected);
    }
  });
});
