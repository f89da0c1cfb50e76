import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { BusinessPointRow } from "@/ingest/rows";
import { currentBaselineYear, lockBaselineYear } from "./business-baseline-year";
import { addMonths, monthStart } from "./business-months";
import { businessOutcomes } from "./business-outcomes-report";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const G = addMonths(new Date().toISOString().slice(0, 7), -5);
const m = (n: number) => addMonths(G, n);

function figure(tenant: string, measure: string, month: string, value: number): BusinessPointRow {
  const t = monthStart(month).getTime();
  return { tenant_id: tenant, measure, series: "", dimensions: {}, temporality: "delta", start_time: t, time: t, value, origin: "import" };
}

async function goLive(tenant: string, month: string) {
  await db.insert("workflows", [{ tenant_id: tenant, workflow: "intake", go_live_date: `${month}-01`, updated_by: "test" }]);
}

describe("the baseline year", () => {
  it("defaults to the twelve months before the first go-live, unlocked, and says so", async () => {
    const t = freshTenant();
    expect(await currentBaselineYear(db, t)).toBeNull();
    expect((await businessOutcomes(db, { tenantId: t, from: G, to: m(2) })).note).toMatch(/No baseline year/);
    await goLive(t, G);
    expect(await currentBaselineYear(db, t)).toEqual({ from: m(-12), to: m(-1), version: null });
    expect((await businessOutcomes(db, { tenantId: t, from: G, to: m(2) })).note).toMatch(/not locked/);
  });

  it("once locked, cites its version and does not move when figures for those months arrive later", async () => {
    const t = freshTenant();
    await goLive(t, G);
    const rows: BusinessPointRow[] = [];
    for (const i of [0, 1, 2]) rows.push(figure(t, "data.records.processed", m(i - 12), 1000), figure(t, "data.records.corrected", m(i - 12), 20));
    for (const i of [0, 1, 2]) rows.push(figure(t, "data.records.processed", m(i), 1000), figure(t, "data.records.corrected", m(i), 8));
    await commitBatch(db, { businessPoints: rows });
    const version = await lockBaselineYear(db, { tenantId: t, from: m(-12), method: "before-go-live", reason: "year before intake went live", actor: "test" });
    expect(version).toBe(1);
    const before = (await businessOutcomes(db, { tenantId: t, from: G, to: m(2) })).outcomes.find((o) => o.key === "data-error-rate")!;
    // By hand: baseline 1000 × 60/3000 = 20 per 1,000; live 1000 × 24/3000 = 8.
    expect(before).toMatchObject({ status: "ok", baseline: 20, live: 8, change: -12, baseline_year: { version: 1 } });
    // A late correction of a baseline month: the stored month changes, the locked comparison does not.
    await commitBatch(db, { businessPoints: [figure(t, "data.records.corrected", m(-12), 80)] });
    const after = (await businessOutcomes(db, { tenantId: t, from: G, to: m(2) })).outcomes.find((o) => o.key === "data-error-rate")!;
    expect(after.baseline).toBe(20);
    // A new version, locked with a reason, takes the correction: (80 + 20 + 20)/3000.
    await lockBaselineYear(db, { tenantId: t, from: m(-12), method: "before-go-live", reason: "late correction of the first month", actor: "test" });
    const v2 = (await businessOutcomes(db, { tenantId: t, from: G, to: m(2) })).outcomes.find((o) => o.key === "data-error-rate")!;
    expect(v2.baseline).toBe(40);
    expect(v2.baseline_year.version).toBe(2);
  });
});
