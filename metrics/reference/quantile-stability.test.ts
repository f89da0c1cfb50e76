import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import { runMetric } from "@/metrics/registry";
import type { CycleTimeResult } from "@/metrics/cycle-time";
import { lockForTest } from "@/metrics/testing";
import { DAY_MS, Rng, durationMs, startOfUtcDay } from "./world";

/**
 * Issue 22, "Acceptance": a synthetic baseline of 20,000 runs gives the same p50 and p90 on 20
 * consecutive calls, within 0.5% / 1% of an exact computation. The exact value is computed here, in
 * plain TypeScript: sort, then type 7 (numpy's default) on the hours as the dashboard shows them.
 */
const RUNS = 20_000;

function type7(sorted: number[], p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

describe("quantiles of a 20,000-run baseline", () => {
  it("are the same on 20 consecutive calls and match an exact computation", async () => {
    const db = await testDb();
    const t = freshTenant();
    const rng = new Rng(20_000);
    const today = startOfUtcDay(Date.now());
    const goLive = new Date(today - 60 * DAY_MS);
    const runs: RunRow[] = Array.from({ length: RUNS }, (_, i) => {
      const start = goLive.getTime() - rng.int(1, 120) * DAY_MS + rng.int(0, DAY_MS - 1);
      return { tenant_id: t, workflow: "bulk", run_id: `b${i}`, phase: "baseline", start_time: start, end_time: start + durationMs(rng, 20), outcome: "completed" };
    });
    // Delivered in four batches, with a quarter of them sent again in another batch.
    for (let k = 0; k < 4; k++) await commitBatch(db, { runs: runs.slice(k * 5000, (k + 1) * 5000) });
    await commitBatch(db, { runs: runs.filter((_, i) => i % 4 === 1) });
    await lockForTest(db, t, "bulk", goLive);
    const seconds = runs.map((r) => ((r.end_time as number) - (r.start_time as number)) / 1000).sort((a, b) => a - b);
    const exact = { p50: type7(seconds, 0.5) / 3600, p90: type7(seconds, 0.9) / 3600 };
    const seen = new Set<string>();
    for (let call = 0; call < 20; call++) {
      const r = (await runMetric(db, "cycle-time", { tenantId: t, workflow: "bulk" })) as CycleTimeResult;
      expect(r.baseline.n).toBe(RUNS);
      expect(Math.abs(r.baseline.p50_hours! - exact.p50) / exact.p50).toBeLessThanOrEqual(0.005);
      expect(Math.abs(r.baseline.p90_hours! - exact.p90) / exact.p90).toBeLessThanOrEqual(0.01);
      seen.add(`${r.baseline.p50_hours}/${r.baseline.p90_hours}`);
    }
    expect([...seen]).toHaveLength(1);
  }, 300_000);
});
