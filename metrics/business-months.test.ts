import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { BusinessPointRow } from "@/ingest/rows";
import { addMonths, measureMonths, monthStart, reportedMeasures } from "./business-months";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// Months relative to now: three consecutive months half a year back.
const M1 = addMonths(new Date().toISOString().slice(0, 7), -6);
const M2 = addMonths(M1, 1);
const M3 = addMonths(M1, 2);
const at = (month: string, day: number) => monthStart(month).getTime() + (day - 1) * 86_400_000 + 3_600_000;

function point(tenant: string, over: Partial<BusinessPointRow> & Pick<BusinessPointRow, "measure" | "temporality" | "start_time" | "time" | "value">): BusinessPointRow {
  return { tenant_id: tenant, series: "", dimensions: {}, ...over };
}

describe("a measure's months", () => {
  it("adds an amount's deltas and a running total's increases, a restart counting whole, a resend once", async () => {
    const t = freshTenant();
    const usd = { series: "currency=USD", dimensions: { currency: "USD" } };
    const s0 = at(M1, 1);
    const s1 = at(M2, 10);
    const cumulative = (start: number, time: number, value: number) => point(t, { ...usd, measure: "business.revenue", temporality: "cumulative", start_time: start, time, value });
    await commitBatch(db, {
      businessPoints: [
        cumulative(s0, at(M1, 10), 100),
        cumulative(s0, at(M1, 20), 150),
        cumulative(s0, at(M2, 5), 180),
        // The producer restarted: a new running total from a new start.
        cumulative(s1, at(M2, 15), 30),
        cumulative(s1, at(M3, 3), 50),
        point(t, { ...usd, series: "currency=USD\n@service=billing", measure: "business.revenue", temporality: "delta", start_time: at(M1, 11), time: at(M1, 12), value: 10 }),
        point(t, { ...usd, series: "currency=USD\n@service=billing", measure: "business.revenue", temporality: "delta", start_time: at(M1, 31) - 3_600_000, time: at(M2, 1), value: 5 }),
      ],
    });
    // The same point delivered again (a retry after a lost answer) replaces itself.
    await commitBatch(db, { businessPoints: [cumulative(s0, at(M1, 20), 150)] });

    // By hand: M1 = 100 + (150 − 100) + 10 = 160; M2 = (180 − 150) + 30 + 5 = 65; M3 = 50 − 30 = 20.
    const all = await measureMonths(db, { tenantId: t, measure: "business.revenue", from: M1, to: addMonths(M3, 1) });
    expect(all.map((m) => [m.month, m.value])).toEqual([[M1, 160], [M2, 65], [M3, 20]]);
    // A window that starts later measures its first increase from the point before it.
    const later = await measureMonths(db, { tenantId: t, measure: "business.revenue", from: M2, to: M2 });
    expect(later.map((m) => [m.month, m.value])).toEqual([[M2, 65]]);
  });

  it("averages a level's readings per series and adds the series; a month without readings is absent", async () => {
    const t = freshTenant();
    const fte = (office: string, month: string, day: number, value: number) =>
      point(t, { measure: "business.headcount.fte", series: `business.unit=${office}`, dimensions: { "business.unit": office }, temporality: "gauge", start_time: at(month, day), time: at(month, day), value });
    await commitBatch(db, { businessPoints: [fte("north", M1, 2, 10), fte("north", M1, 20, 12), fte("south", M1, 5, 5), fte("north", M3, 1, 13)] });
    // M1 = mean(10, 12) + 5 = 16; M2 has no reading (unknown, not 0); M3 = 13.
    const months = await measureMonths(db, { tenantId: t, measure: "business.headcount.fte", from: M1, to: M3 });
    expect(months.map((m) => [m.month, m.value])).toEqual([[M1, 16], [M3, 13]]);
    const north = await measureMonths(db, { tenantId: t, measure: "business.headcount.fte", from: M1, to: M3, where: { "business.unit": "north" } });
    expect(north.map((m) => [m.month, m.value])).toEqual([[M1, 11], [M3, 13]]);
  });

  it("splits by dimensions in the order asked", async () => {
    const t = freshTenant();
    const hours = (category: string, seniority: string, value: number) =>
      point(t, {
        measure: "business.hours",
        series: `staff.seniority=${seniority}\nwork.category=${category}`,
        dimensions: { "work.category": category, "staff.seniority": seniority },
        temporality: "delta",
        start_time: at(M2, 3),
        time: at(M2, 4),
        value,
      });
    await commitBatch(db, { businessPoints: [hours("expert", "senior", 30), hours("admin", "senior", 10), hours("admin", "support", 50)] });
    const split = await measureMonths(db, { tenantId: t, measure: "business.hours", from: M2, to: M2, by: ["staff.seniority", "work.category"] });
    expect(split.map((m) => [m.key, m.value])).toEqual([
      [["senior", "admin"], 10],
      [["senior", "expert"], 30],
      [["support", "admin"], 50],
    ]);
  });
});

describe("the measures a tenant reports", () => {
  it("are exactly those it has points of, whatever their temporality, and another tenant's are not among them", async () => {
    const [t, other] = [freshTenant(), freshTenant()];
    await commitBatch(db, {
      businessPoints: [
        point(t, { measure: "business.revenue", temporality: "delta", start_time: at(M1, 1), time: at(M1, 2), value: 1 }),
        point(t, { measure: "business.headcount.fte", temporality: "gauge", start_time: at(M1, 1), time: at(M1, 2), value: 12 }),
        point(other, { measure: "business.intake.prospects", temporality: "delta", start_time: at(M1, 1), time: at(M1, 2), value: 3 }),
      ],
    });
    expect([...(await reportedMeasures(db, t))].sort()).toEqual(["business.headcount.fte", "business.revenue"]);
    expect([...(await reportedMeasures(db, freshTenant()))]).toEqual([]);
  });
});
