import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { SourceSyncRow } from "@/ingest/rows";
import { runMetric, type MetricInput } from "./registry";
import type { FreshnessResult } from "./freshness";
import { addDays } from "./scope";
import { daysAgo } from "./testing";

const fresh = async (input: MetricInput) => (await runMetric(await testDb(), "freshness", input)) as FreshnessResult;

const D = daysAgo(5, 0);
const at = (h: number, m = 0) => new Date(D.getTime() + (h * 60 + m) * 60_000);
let n = 0;
const sync = (t: string, source: string, end: Date, over: Partial<SourceSyncRow> = {}): SourceSyncRow => ({
  tenant_id: t, source, span_id: `sync${++n}`, start_time: new Date(end.getTime() - 60_000), end_time: end, status: "ok", ...over,
});

async function setUp(t: string) {
  const db = await testDb();
  await db.insert("sources", [{ tenant_id: t, source: "crm", freshness_sla_minutes: 60 }, { tenant_id: t, source: "ehr" }]);
  await commitBatch(db, {
    sourceSyncs: [
      sync(t, "crm", at(-1), { watermark: at(-2, 30), records: 1000, invalid: 500 }),
      sync(t, "crm", at(6), { watermark: at(5, 50), records: 100, invalid: 5 }),
      sync(t, "crm", at(12), { watermark: at(11, 30), records: 200, invalid: 1 }),
      sync(t, "ehr", at(20)),
      sync(t, "ehr", at(22), { status: "error" }),
    ],
    dataAccess: [{ tenant_id: t, event_id: `e${t}`, time: at(1), source: "crm", workflow: "intake", decision: "allow" }],
  });
}

describe("data freshness", () => {
  it("measures lag, breach, share within SLA and accuracy as worked out by hand", async () => {
    const t = freshTenant();
    await setUp(t);
    const r = await fresh({ tenantId: t, from: D, to: D, asOf: addDays(D, 1) });
    const crm = r.sources.find((s) => s.source === "crm")!;
    // Lag at midnight: 24:00 − 11:30 = 750 min > 60. Within SLA 06:00–06:50 and 12:00–12:30 = 80 of 1440 min.
    // Accuracy over the window's syncs: 1 − 6/300 = 0.98 (the sync before the window is not counted).
    expect(crm).toMatchObject({ lag_minutes: 750, breach: true, share_within_sla: 0.0556, records: 300, invalid: 6, accuracy: 0.98 });
    // No watermark: the last successful sync's end (20:00) counts, not the failed one at 22:00.
    const ehr = r.sources.find((s) => s.source === "ehr")!;
    expect(ehr).toMatchObject({ lag_minutes: 240, breach: null, share_within_sla: null });
    expect(r.headline.value).toBe(750);
  });

  it("reports no syncs as insufficient data", async () => {
    const r = await fresh({ tenantId: freshTenant() });
    expect(r.status).toBe("insufficient_data");
    expect(r.headline.value).toBeNull();
  });

  it("shows a barred user only the sources their workflows read, and no other tenant's", async () => {
    const t = freshTenant();
    await setUp(t);
    const asOf = addDays(D, 1);
    expect((await fresh({ tenantId: t, workflows: ["intake"], asOf })).sources.map((s) => s.source)).toEqual(["crm"]);
    expect((await fresh({ tenantId: t, workflows: [], asOf })).sources).toEqual([]);
    expect((await fresh({ tenantId: freshTenant(), asOf })).sources).toEqual([]);
  });
});
