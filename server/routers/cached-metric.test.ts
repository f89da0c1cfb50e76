import { describe, expect, it } from "vitest";
import { testDb, freshTenant } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { run } from "@/metrics/testing";
import { MAX_AGE_MS } from "@/server/scorecards/scorecard";
import { cachedMetric } from "./cached-metric";

describe("cachedMetric", () => {
  it("serves a scorecard, with the time it was computed, until it is too old to serve", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    const input = { tenantId: tenant, workflows: null, workflow: "intake" };
    const first = await cachedMetric(db, "exception-rate", input, 60_000, 1_000);
    expect(first.computedAt).toBe(new Date(1_000).toISOString());
    await commitBatch(db, { runs: [run(tenant, { outcome: "exception" })] });
    expect(await cachedMetric(db, "exception-rate", input, 60_000, 2_000)).toBe(first);
    const later = await cachedMetric(db, "exception-rate", input, 60_000, 1_000 + MAX_AGE_MS);
    expect(later.computedAt).toBe(new Date(1_000 + MAX_AGE_MS).toISOString());
    expect(later.key === "exception-rate" && later.live.runs).toBe(1);
  });

  it("computes other metrics when asked and shares the result until the time to live has passed", async () => {
    const db = await testDb();
    const input = { tenantId: freshTenant(), workflows: null };
    const first = await cachedMetric(db, "freshness", input, 60_000, 1_000);
    expect(first.computedAt).toBe(new Date(1_000).toISOString());
    expect(await cachedMetric(db, "freshness", input, 60_000, 2_000)).toBe(first);
    const later = await cachedMetric(db, "freshness", input, 60_000, 62_000);
    expect(later).not.toBe(first);
    expect(later.computedAt).toBe(new Date(62_000).toISOString());
  });

  it("keeps different windows and barriers apart", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    const all = await cachedMetric(db, "rework", { tenantId: tenant, workflows: null }, 60_000, 1_000);
    const barred = await cachedMetric(db, "rework", { tenantId: tenant, workflows: ["intake"] }, 60_000, 1_000);
    expect(barred).not.toBe(all);
  });
});
