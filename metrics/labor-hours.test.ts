import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric, type MetricInput } from "./registry";
import type { LaborHoursResult } from "./labor-hours";
import { dayString } from "./scope";
import { daysAgo, lockForTest, run, step } from "./testing";

const labor = async (input: MetricInput) => (await runMetric(await testDb(), "labor-hours", input)) as LaborHoursResult;

interface Costs {
  hourly_cost?: number;
  implementation_cost?: number;
  prices?: Record<string, { input_per_1k: number; output_per_1k: number }>;
}

async function setUp(t: string, c: Costs = {}) {
  const db = await testDb();
  const prices = c.prices ?? { "m-test": { input_per_1k: 0.01, output_per_1k: 0.03 } };
  await db.insert("tenants", [{ tenant_id: t, slug: t, name: t, settings: JSON.stringify({ model_prices: prices }) }]);
  await db.insert("workflows", [
    // 304.375 a month is 10 a day and 152.1875 is 5 a day (365.25/12 = 30.4375 days a month).
    {
      tenant_id: t,
      workflow: "intake",
      go_live_date: dayString(daysAgo(20)),
      hourly_cost: c.hourly_cost ?? 90,
      platform_cost_monthly: 304.375,
      recurring_investment_monthly: 152.1875,
      implementation_cost: c.implementation_cost ?? 1000,
    },
  ]);
  // 30 measured baseline runs, 20 and 40 minutes alternately: mean 30, sd = √(30·10²/29) = 10.171.
  const baseline = Array.from({ length: 30 }, (_, i) => run(t, { phase: "baseline", at: daysAgo(100), human_minutes: i % 2 ? 40 : 20 }));
  await commitBatch(db, { runs: baseline });
  await lockForTest(db, t, "intake", daysAgo(20));
  // 40 live runs on one day, each with a 6-minute review and an AI step of 1000 in / 500 out tokens.
  const live = Array.from({ length: 40 }, () => run(t, { at: daysAgo(3) }));
  const steps = live.flatMap((r) => [
    step(t, r, { actor: "human", step: "review", human_minutes: 6 }),
    step(t, r, { actor: "ai", request_model: "m-test", input_tokens: 1000, output_tokens: 500 }),
  ]);
  await commitBatch(db, { runs: live, steps });
  return { db, live, steps };
}

describe("labor hours and ROI", () => {
  it("computes hours, value, costs, ROI, payback and the interval as a spreadsheet would", async () => {
    const t = freshTenant();
    await setUp(t);
    const r = await labor({ tenantId: t, workflow: "intake" });
    // Hours = (40·30 − 40·6)/60 = 16; value = 16·90 = 1440; AI = 40·(1·0.01 + 0.5·0.03) = 1.00;
    // platform = 30 days · 10 = 300; recurring = 30 · 5 = 150; net = 1440 − 1 − 300 − 150 = 989;
    // ROI = 989 / 451 = 2.1929.
    expect(r.status).toBe("ok");
    expect(r.baselineVersion).toBe(1);
    expect(r.hours).toBe(16);
    expect(r.headline.value).toBe(16);
    expect(r.value).toBe(1440);
    expect(r.ai_cost).toBeCloseTo(1, 6);
    expect(r.ai_cost_complete).toBe(true);
    expect(r.platform_cost).toBeCloseTo(300, 6);
    expect(r.recurring_investment).toBeCloseTo(150, 6);
    expect(r.net_value).toBeCloseTo(989, 2);
    expect(r.roi).toBeCloseTo(2.1929, 3);
    expect(r.unknown_reason).toBeNull();
    // Interval: ± 1.96 · 40 · (10.171/√30) / 60 = ± 2.4265.
    expect(r.hours_interval![0]).toBeCloseTo(13.5735, 2);
    expect(r.hours_interval![1]).toBeCloseTo(18.4265, 2);
    // Payback: 17 days at −15 before the run day (−255), then +1440 − 1 − 15 → 1169 ≥ 1000 that day.
    expect(r.payback).toEqual({ date: dayString(daysAgo(3)), projected: false, implementation_cost: 1000, unknown_reason: null });
  });

  it("counts each live run and AI step once, and reads the baseline from the lock, not later imports", async () => {
    const t = freshTenant();
    const { db, live, steps } = await setUp(t);
    // Every live run and step delivered again, and 30 more baseline runs of 100 minutes after the lock.
    await commitBatch(db, { runs: live, steps });
    await commitBatch(db, { runs: Array.from({ length: 30 }, () => run(t, { phase: "baseline", at: daysAgo(90), human_minutes: 100 })) });
    const r = await labor({ tenantId: t, workflow: "intake" });
    // The same figures as above: 40 runs, 30 baseline minutes a run, 1.00 of AI.
    expect(r.hours).toBe(16);
    expect(r.workflows[0]?.live_runs).toBe(40);
    expect(r.ai_cost).toBeCloseTo(1, 6);
    expect(r.hours_interval![0]).toBeCloseTo(13.5735, 2);
  });

  it("says AI cost is incomplete when a model has no price, and leaves net value and ROI unknown", async () => {
    const t = freshTenant();
    const { db, live } = await setUp(t);
    await commitBatch(db, { steps: [step(t, live[0]!, { actor: "ai", request_model: "m-unpriced", input_tokens: 5000, output_tokens: 5000 })] });
    const r = await labor({ tenantId: t, workflow: "intake" });
    expect(r.ai_cost).toBeCloseTo(1, 6);
    expect(r.ai_cost_complete).toBe(false);
    expect(r.unpriced_models).toEqual(["m-unpriced"]);
    expect(r.value).toBe(1440);
    expect(r.net_value).toBeNull();
    expect(r.roi).toBeNull();
    expect(r.unknown_reason).toMatch(/AI cost incomplete: no price for m-unpriced/);
    expect(r.payback).toMatchObject({ date: null, unknown_reason: expect.stringMatching(/m-unpriced/) });
  });

  it("shows value, net value and ROI as unknown when the hourly cost is not set, never −100%", async () => {
    const t = freshTenant();
    await setUp(t, { hourly_cost: 0 });
    const r = await labor({ tenantId: t, workflow: "intake" });
    expect(r.hours).toBe(16);
    expect(r.value).toBeNull();
    expect(r.net_value).toBeNull();
    expect(r.roi).toBeNull();
    expect(r.unknown_reason).toBe("hourly cost not set for intake");
    expect(r.workflows[0]?.hourly_cost).toBeNull();
    expect(r.payback.date).toBeNull();
  });

  it("pays back only when cumulative net value covers the one-time investment", async () => {
    const t = freshTenant();
    await setUp(t, { implementation_cost: 5000 });
    const r = await labor({ tenantId: t, workflow: "intake" });
    // Cumulative net over the 21 days since go-live: 1440 − 1 − 21·15 = 1124 < 5000. At 1124/21 a day,
    // the remaining 3876 take ⌈72.42⌉ = 73 more days: today + 73.
    expect(r.payback).toEqual({ date: dayString(daysAgo(-73)), projected: true, implementation_cost: 5000, unknown_reason: null });
  });

  it("takes the baseline's spread from each run's own minutes plus its steps'", async () => {
    // The same spread as above, recorded as a 10-minute run figure plus steps of 10 or 30 minutes:
    // totals 20 and 40 again, so the interval must be ± 2.4265 again.
    const db = await testDb();
    const t2 = freshTenant();
    await db.insert("tenants", [{ tenant_id: t2, slug: t2, name: t2 }]);
    await db.insert("workflows", [{ tenant_id: t2, workflow: "intake", go_live_date: dayString(daysAgo(20)), hourly_cost: 90 }]);
    const baseline = Array.from({ length: 30 }, () => run(t2, { phase: "baseline", at: daysAgo(100), human_minutes: 10 }));
    const baselineSteps = baseline.map((r, i) => step(t2, r, { phase: "baseline", actor: "human", step: "enter", human_minutes: i % 2 ? 30 : 10 }));
    await commitBatch(db, { runs: baseline, steps: baselineSteps });
    await lockForTest(db, t2, "intake", daysAgo(20));
    const live = Array.from({ length: 40 }, () => run(t2, { at: daysAgo(3) }));
    const liveSteps = live.map((r) => step(t2, r, { actor: "human", step: "review", human_minutes: 6 }));
    await commitBatch(db, { runs: live, steps: liveSteps });
    const r = await labor({ tenantId: t2, workflow: "intake" });
    expect(r.hours).toBe(16);
    expect(r.hours_interval![0]).toBeCloseTo(13.5735, 2);
    expect(r.hours_interval![1]).toBeCloseTo(18.4265, 2);
  });

  it("reports a workflow without any baseline as insufficient data, not zero hours", async () => {
    const t = freshTenant();
    await commitBatch(await testDb(), { runs: Array.from({ length: 40 }, () => run(t, { human_minutes: 5 })) });
    const r = await labor({ tenantId: t });
    expect(r.status).toBe("insufficient_data");
    expect(r.reason).toMatch(/baseline/);
    expect(r.hours).toBeNull();
  });

  it("falls back to the declared time study, which carries no sampling interval", async () => {
    const t = freshTenant();
    const db = await testDb();
    await db.insert("declared_baselines", [
      { tenant_id: t, workflow: "intake", declared_id: "d1", minutes_per_run: 12, runs_per_month: 100, exception_share: 0.1, method: "time study", author: "ops", study_date: dayString(daysAgo(90)) },
    ]);
    await commitBatch(db, { runs: Array.from({ length: 30 }, () => run(t, { human_minutes: 2, at: daysAgo(2) })) });
    const r = await labor({ tenantId: t });
    // (30·12 − 30·2)/60 = 5 hours.
    expect(r.hours).toBe(5);
    expect(r.hours_interval).toBeNull();
    expect(r.workflows[0]?.baseline_source).toBe("declared");
  });

  it("hides another tenant's and a barred workflow's runs", async () => {
    const t = freshTenant();
    await setUp(t);
    expect((await labor({ tenantId: freshTenant(), workflow: "intake" })).workflows).toEqual([]);
    expect((await labor({ tenantId: t, workflows: ["billing"] })).workflows).toEqual([]);
  });
});
