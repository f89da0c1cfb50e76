import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { addMonths, measureMonths } from "@/metrics/business-months";
import { importMonthly } from "./import-monthly";
import { MonthlyFileError } from "./monthly-csv";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const NOW = new Date();
const THIS = NOW.toISOString().slice(0, 7);
const m = (n: number) => addMonths(THIS, n);

describe("the monthly business-figures import", () => {
  it("reports skipped lines by reason and number, and the months a measure lacks", async () => {
    const t = freshTenant();
    const csv = [
      "Period,Measure,Value,Currency,Office",
      `${m(-4)},business.revenue,120000,usd,north`, // 2: kept, currency upper-cased
      `${m(-3)},business.revenue,125000.50,USD,north`, // 3
      `${m(-1)},business.revenue,130000,USD,north`, // 4: leaves m(-2) missing
      `${m(-3)},business.revenue,999,USD,north`, // 5: duplicate period
      `${m(-3)},business.revenue,5000,,north`, // 6: no currency
      `${m(-3)},business.revenue,5000,US Dollars,north`, // 7: invalid currency
      `${m(-3)},business.profit,1,USD,north`, // 8: unknown measure
      `13/2024,business.revenue,1,USD,north`, // 9: bad period
      `${m(2)},compliance.incidents,1,,north`, // 10: future
      `${m(-3)},compliance.incidents,-2,,north`, // 11: negative count
      `${m(-3)},compliance.incidents,3,,north`, // 12: kept
      `${m(-3)},business.headcount.fte,"41,5",,north`, // 13: bad value (decimal comma)
    ].join("\n");
    const s = await importMonthly(db, { tenantId: t, fileName: "figures.csv", text: csv, actor: "test", now: NOW });
    expect(s).toMatchObject({ status: "imported", figures: 4, skippedCount: 8, months: { first: m(-4), last: m(-1) } });
    const lines = Object.fromEntries(s.skipped.map((k) => [k.reason, k.lines]));
    expect(lines).toEqual({
      duplicate_period: [5],
      missing_currency: [6],
      invalid_currency: [7],
      unknown_measure: [8],
      bad_period: [9],
      future_period: [10],
      negative_value: [11],
      bad_value: [13],
    });
    expect(s.measures.find((x) => x.measure === "business.revenue")).toEqual({ measure: "business.revenue", figures: 3, missing_months: [m(-2)] });
    const months = await measureMonths(db, { tenantId: t, measure: "business.revenue", from: m(-4), to: m(-1), by: ["currency"] });
    expect(months.map((x) => [x.month, x.key, x.value])).toEqual([
      [m(-4), ["USD"], 120000],
      [m(-3), ["USD"], 125000.5],
      [m(-1), ["USD"], 130000],
    ]);
  });

  it("replaces figures on a re-import or a corrected file instead of adding them", async () => {
    const t = freshTenant();
    const file = `period,measure,value\n${m(-2)},data.records.processed,1000\n${m(-2)},data.records.corrected,12\n`;
    expect((await importMonthly(db, { tenantId: t, fileName: "a.csv", text: file, actor: "test", now: NOW })).status).toBe("imported");
    const again = await importMonthly(db, { tenantId: t, fileName: "a.csv", text: file, actor: "test", now: NOW });
    expect(again.status).toBe("reimported");
    expect(again.previously).not.toBeNull();
    await importMonthly(db, { tenantId: t, fileName: "a-fixed.csv", text: file.replace(",12", ",15"), actor: "test", now: NOW });
    const corrected = await measureMonths(db, { tenantId: t, measure: "data.records.corrected", from: m(-2), to: m(-2) });
    expect(corrected.map((x) => x.value)).toEqual([15]);
    const processed = await measureMonths(db, { tenantId: t, measure: "data.records.processed", from: m(-2), to: m(-2) });
    expect(processed.map((x) => x.value)).toEqual([1000]);
  });

  it("previews without storing, and refuses a file without the required columns with a message", async () => {
    const t = freshTenant();
    const preview = await importMonthly(db, { tenantId: t, fileName: "p.csv", text: `period,measure,value\n${m(-1)},compliance.audits,2\n`, actor: "test", dryRun: true, now: NOW });
    expect(preview).toMatchObject({ status: "preview", figures: 1 });
    expect(await measureMonths(db, { tenantId: t, measure: "compliance.audits", from: m(-1), to: m(-1) })).toEqual([]);
    await expect(importMonthly(db, { tenantId: t, fileName: "x.csv", text: "month,amount\n2025-01,3\n", actor: "test" })).rejects.toThrow(MonthlyFileError);
    await expect(importMonthly(db, { tenantId: t, fileName: "x.csv", text: "month,amount\n2025-01,3\n", actor: "test" })).rejects.toThrow(/measure/);
  });
});
