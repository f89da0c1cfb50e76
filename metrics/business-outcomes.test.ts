import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { BusinessPointRow } from "@/ingest/rows";
import { addMonths, monthStart } from "./business-months";
import { type BaselineYear, compareOutcome } from "./business-outcomes";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// Go-live six months ago; the baseline year is the twelve months before it.
const G = addMonths(new Date().toISOString().slice(0, 7), -6);
const YEAR: BaselineYear = { from: addMonths(G, -12), to: addMonths(G, -1), version: null };
const m = (n: number) => addMonths(G, n);

/** A month's figure as the monthly import stores it: one delta (amount) or gauge (level) at the month's start. */
function figure(tenant: string, measure: string, month: string, value: number, dimensions: Record<string, string> = {}): BusinessPointRow {
  const t = monthStart(month).getTime();
  const series = Object.keys(dimensions).sort().map((k) => `${k}=${dimensions[k]}`).join("\n");
  const level = measure === "business.headcount.fte" || measure === "business.clients.active";
  return { tenant_id: tenant, measure, series, dimensions, temporality: level ? "gauge" : "delta", start_time: t, time: t, value, origin: "import" };
}

describe("business outcomes against the same months of the baseline year", () => {
  it("pairs each month with its calendar month, skips a month missing a part, and is not fooled by a season", async () => {
    const t = freshTenant();
    const rows: BusinessPointRow[] = [];
    // Baseline year: the months matching G…G+3 convert 20, 25, 30, 25 of 100; the other eight only 10.
    const baseConverted = [20, 25, 30, 25, 10, 10, 10, 10, 10, 10, 10, 10];
    baseConverted.forEach((c, i) => rows.push(figure(t, "business.intake.prospects", m(i - 12), 100), figure(t, "business.intake.converted", m(i - 12), c)));
    // Live: G…G+3 convert 40, 30, (not reported), 35 of 100.
    [40, 30, null, 35].forEach((c, i) => {
      rows.push(figure(t, "business.intake.prospects", m(i), 100));
      if (c !== null) rows.push(figure(t, "business.intake.converted", m(i), c));
    });
    await commitBatch(db, { businessPoints: rows });

    const r = await compareOutcome(db, { tenantId: t, key: "intake-conversion", from: G, to: m(3), baselineYear: YEAR });
    expect(r.status).toBe("ok");
    expect(r.months.map((p) => p.baseline_month)).toEqual([m(-12), m(-11), m(-10), m(-9)]);
    expect(r.months[2]).toMatchObject({ live: null, baseline: 0.3 });
    // By hand over the paired months G, G+1, G+3: live 105/300 = 0.35; baseline (20 + 25 + 25)/300.
    expect(r.paired_months).toBe(3);
    expect(r.live).toBeCloseTo(0.35, 12);
    expect(r.baseline).toBeCloseTo(70 / 300, 12);
    expect(r.change).toBeCloseTo(0.35 - 70 / 300, 12);
    // A whole-year average baseline would be (100 + 8·10)/1200 = 0.15 and overstate the gain.
    expect(r.baseline).not.toBeCloseTo(0.15, 3);
    expect(r.interval![0]).toBeLessThan(r.change!);
    expect(r.interval![1]).toBeGreaterThan(r.change!);

    const short = await compareOutcome(db, { tenantId: t, key: "intake-conversion", from: G, to: m(1), baselineYear: YEAR });
    expect(short).toMatchObject({ status: "insufficient_data", live: null, paired_months: 2 });
    expect(short.reason).toMatch(/2 month/);
  });

  it("computes the senior expert share, incidents a month and revenue per FTE by hand; mixed currencies are unknown", async () => {
    const t = freshTenant();
    const rows: BusinessPointRow[] = [];
    const hours = (month: string, category: string, seniority: string, v: number) => figure(t, "business.hours", month, v, { "work.category": category, "staff.seniority": seniority });
    for (const i of [0, 1, 2]) {
      // Baseline: senior 30 expert, 50 routine, 20 admin (and 40 review, counted in neither); support 100 routine.
      rows.push(hours(m(i - 12), "expert", "senior", 30), hours(m(i - 12), "routine", "senior", 50), hours(m(i - 12), "admin", "senior", 20), hours(m(i - 12), "review", "senior", 40), hours(m(i - 12), "routine", "support", 100));
      // Live: senior 60 expert, 30 routine, 10 data entry.
      rows.push(hours(m(i), "expert", "senior", 60), hours(m(i), "routine", "senior", 30), hours(m(i), "data-entry", "senior", 10));
      rows.push(figure(t, "compliance.incidents", m(i - 12), 4 + i), figure(t, "compliance.incidents", m(i), 1));
      rows.push(figure(t, "business.revenue", m(i - 12), 90_000, { currency: "EUR" }), figure(t, "business.headcount.fte", m(i - 12), 30));
      rows.push(figure(t, "business.revenue", m(i), 120_000, { currency: i === 2 ? "USD" : "EUR" }), figure(t, "business.headcount.fte", m(i), 30));
    }
    await commitBatch(db, { businessPoints: rows });
    const q = { tenantId: t, from: G, to: m(2), baselineYear: YEAR };

    const share = await compareOutcome(db, { ...q, key: "senior-expert-share" });
    // Baseline 90/(90 + 150 + 60) = 0.3; live 180/(180 + 90 + 30) = 0.6.
    expect([share.baseline, share.live]).toEqual([0.3, 0.6]);
    expect(share.interval).toBeNull();

    const incidents = await compareOutcome(db, { ...q, key: "incidents-per-month" });
    // Baseline (4 + 5 + 6)/3 = 5 a month; live 1.
    expect([incidents.baseline, incidents.live, incidents.change]).toEqual([5, 1, -4]);

    const revenue = await compareOutcome(db, { ...q, key: "revenue-per-fte" });
    expect(revenue).toMatchObject({ status: "insufficient_data", live: null, currency: null });
    expect(revenue.reason).toContain("EUR, USD");
  });
});
