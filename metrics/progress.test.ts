import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { ProgressResult } from "./progress";
import { runMetric } from "./registry";
import { TODAY, lockForTest, run, step } from "./testing";

// Months relative to today: M0 is the current month, M1 the one before, M2 the one before that.
const month = (back: number, day = 1, hour = 12) => new Date(Date.UTC(TODAY.getUTCFullYear(), TODAY.getUTCMonth() - back, day, hour));
const ym = (d: Date) => d.toISOString().slice(0, 7);
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const daysIn = (back: number) => (month(back - 1, 1, 0).getTime() - month(back, 1, 0).getTime()) / 86_400_000;
/** Days of the current month up to and including today. */
const daysSoFar = TODAY.getUTCDate();

async function setUp(t: string, laterModel = "m-test") {
  const db = await testDb();
  await db.insert("tenants", [{ tenant_id: t, slug: t, name: t, settings: JSON.stringify({ model_prices: { "m-test": { input_per_1k: 0.01, output_per_1k: 0.03 } } }) }]);
  const goLive = month(2, 1, 0);
  // 304.375 a month is 10 a day (365.25/12 = 30.4375 days a month).
  await db.insert("workflows", [{ tenant_id: t, workflow: "intake", go_live_date: ymd(goLive), hourly_cost: 200, recurring_investment_monthly: 304.375, implementation_cost: 1000 }]);
  // 30 baseline runs of 30 human minutes each, before go-live: the lock's mean is 30 minutes a run.
  await commitBatch(db, { runs: Array.from({ length: 30 }, () => run(t, { phase: "baseline", at: month(3, 10), human_minutes: 30 })) });
  await lockForTest(db, t, "intake", goLive);
  // M1: 40 live runs, each with a 6-minute review and an AI step (1000 in, 500 out) on prompt p1.
  const m1 = Array.from({ length: 40 }, () => run(t, { at: month(1, 2) }));
  const m1Steps = m1.flatMap((r) => [
    step(t, r, { actor: "human", step: "review", human_minutes: 6 }),
    step(t, r, { actor: "ai", request_model: "m-test", input_tokens: 1000, output_tokens: 500, prompt_version: "p1", model_version: "v1" }),
  ]);
  // M0: 30 live runs without human minutes, on prompt p2.
  const m0 = Array.from({ length: 30 }, () => run(t, { at: month(0, 1, 6) }));
  const m0Steps = m0.map((r) => step(t, r, { actor: "ai", request_model: laterModel, input_tokens: 1000, output_tokens: 500, prompt_version: "p2", model_version: "v1" }));
  await commitBatch(db, { runs: [...m1, ...m0], steps: [...m1Steps, ...m0Steps] });
  // Every step delivered again: a change is still one marker, a token still billed once.
  await commitBatch(db, { steps: [...m1Steps, ...m0Steps] });
  return db;
}

const progressOf = async (t: string) => (await runMetric(await testDb(), "progress", { tenantId: t })) as ProgressResult;

describe("progress since go-live", () => {
  it("gives hours and value per month for the last 12 months", async () => {
    const t = freshTenant();
    await setUp(t);
    const r = await progressOf(t);
    expect(r.status).toBe("ok");
    expect(r.months).toHaveLength(12);
    expect(r.months.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => ym(month(11 - i))));
    const [m2, m1, m0] = r.months.slice(-3);
    // M1: (40 · 30 − 40 · 6) / 60 = 16 hours, · 200 = 3200. M0: 30 · 30 / 60 = 15 hours, 3000.
    expect(m1).toMatchObject({ live_runs: 40, hours: 16, value: 3200, from: ymd(month(1, 1)), to: ymd(month(0, 0)), partial: false, reason: null });
    expect(m0).toMatchObject({ live_runs: 30, hours: 15, value: 3000, from: ymd(month(0, 1)), to: ymd(TODAY), partial: true });
    // A month below 30 live runs is insufficient data, as for the labor-hours metric: unknown, not 0.
    expect(m2).toMatchObject({ live_runs: 0, hours: null, value: null, reason: "Needs 30 live runs; has 0" });
    expect(r.headline.value).toBe(31);
  });

  it("draws cumulative value against cumulative cost from go-live and marks the payback month", async () => {
    const t = freshTenant();
    await setUp(t);
    const { payback } = await progressOf(t);
    expect(payback.points.map((p) => p.month)).toEqual([ym(month(2)), ym(month(1)), ym(month(0))]);
    // Cost: 1000 one-time at go-live + 10 a day recurring + AI 40 · (1 · 0.01 + 0.5 · 0.03) = 1.00 in M1, 0.75 in M0.
    const cost2 = 1000 + 10 * daysIn(2);
    const cost1 = cost2 + 10 * daysIn(1) + 1;
    const cost0 = cost1 + 10 * daysSoFar + 0.75;
    expect(payback.points.map((p) => p.cumulative_value)).toEqual([0, 3200, 6200]);
    expect(payback.points[0]!.cumulative_cost).toBeCloseTo(cost2, 2);
    expect(payback.points[1]!.cumulative_cost).toBeCloseTo(cost1, 2);
    expect(payback.points[2]!.cumulative_cost).toBeCloseTo(cost0, 2);
    // 3200 ≥ 1000 + 10 · (days of M2 and M1) + 1 (at most 1621): paid back in M1.
    expect(payback.payback_month).toBe(ym(month(1)));
    expect(payback).toMatchObject({ implementation_cost: 1000, unknown_reason: null, unknown_from: null });
  });

  it("stops the curve with the reason from the month an AI cost is unpriced, instead of counting it 0", async () => {
    const t = freshTenant();
    await setUp(t, "m-unpriced");
    const { payback, months } = await progressOf(t);
    expect(payback.points.map((p) => p.cumulative_cost === null)).toEqual([false, false, true]);
    expect(payback.points[2]!.cumulative_value).toBeNull();
    expect(payback.unknown_from).toBe(ym(month(0)));
    expect(payback.unknown_reason).toMatch(/no price for m-unpriced/);
    // The hours are still known: only the cost is.
    expect(months.at(-1)).toMatchObject({ hours: 15, value: 3000 });
  });

  it("marks go-live, the baseline lock and the prompt change once, and no change for the first version", async () => {
    const t = freshTenant();
    await setUp(t);
    const { markers } = await progressOf(t);
    expect(markers.map((m) => [m.date, m.kind])).toEqual([
      [ymd(month(2)), "go-live"],
      [ymd(month(0)), "prompt"],
      [ymd(TODAY), "baseline"],
    ].sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!)));
    expect(markers.find((m) => m.kind === "prompt")?.label).toBe("intake prompt p2");
  });
});
