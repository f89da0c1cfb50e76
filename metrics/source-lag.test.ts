import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { SourceSyncRow } from "@/ingest/rows";
import { sourceFreshness } from "@/server/alerts/stale-sources";
import type { FreshnessResult } from "./freshness";
import { runMetric } from "./registry";
import { sourceLags } from "./source-lag";
import { daysAgo } from "./testing";

const NOW = daysAgo(2, 12);
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
let n = 0;
const sync = (t: string, source: string, end: Date, over: Partial<SourceSyncRow> = {}): SourceSyncRow => ({
  tenant_id: t, source, span_id: `lag${++n}`, start_time: new Date(end.getTime() - 60_000), end_time: end, status: "ok", ...over,
});

describe("freshness, one definition for the metric and the stale-source alert", () => {
  it("takes the newest point of the syncs ended by now, the watermark or else a successful end", async () => {
    const t = freshTenant();
    const db = await testDb();
    await db.insert("sources", [
      { tenant_id: t, source: "a", freshness_sla_minutes: 60 },
      { tenant_id: t, source: "b", freshness_sla_minutes: 60 },
      { tenant_id: t, source: "c", freshness_sla_minutes: 60 },
      { tenant_id: t, source: "d" },
    ]);
    await commitBatch(db, {
      sourceSyncs: [
        // a: an old watermark, then a newer successful sync without one: its end (now − 10) is the point.
        sync(t, "a", min(-120), { watermark: min(-120) }),
        sync(t, "a", min(-10)),
        // b: a sync that started before now but ends after it does not count yet; the point is now − 200.
        sync(t, "b", min(-200)),
        sync(t, "b", min(30), { start_time: min(-5), watermark: min(0) }),
        sync(t, "d", min(-30)),
      ],
    });
    const alert = await sourceFreshness(db, t, NOW);
    expect(alert).toEqual([
      { source: "a", slaMinutes: 60, lastFresh: min(-10), ageMinutes: 10, stale: false },
      { source: "b", slaMinutes: 60, lastFresh: min(-200), ageMinutes: 200, stale: true },
      // c has an SLA and has never delivered: breached.
      { source: "c", slaMinutes: 60, lastFresh: null, ageMinutes: null, stale: true },
    ]);
    const metric = (await runMetric(db, "freshness", { tenantId: t, asOf: NOW, to: NOW })) as FreshnessResult;
    const by = new Map(metric.sources.map((s) => [s.source, s]));
    expect([by.get("a")?.breach, by.get("b")?.breach, by.get("c")?.breach, by.get("d")?.breach]).toEqual([false, true, true, null]);
    expect([by.get("a")?.lag_minutes, by.get("b")?.lag_minutes, by.get("d")?.lag_minutes]).toEqual([10, 200, 30]);
  });

  it("shares a current read's last points until a sync is stored, and gives each request its own lag", async () => {
    const t = freshTenant();
    const db = await testDb();
    const scope = { tenant: t, all_wf: 1 as const, wfs: [] };
    await db.insert("sources", [{ tenant_id: t, source: "a", freshness_sla_minutes: 60 }]);
    const now = new Date();
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    await commitBatch(db, { sourceSyncs: [sync(t, "a", at(-90))] });
    const first = await sourceLags(db, scope, now);
    expect(first).toMatchObject([{ source: "a", breach: true }]);
    expect(first[0]?.lag_minutes).toBeCloseTo(90, 6);
    // The same points, a later moment: the lag is this request's own.
    const later = new Date(now.getTime() + 1_000);
    expect((await sourceLags(db, scope, later))[0]?.lag_minutes).toBeCloseTo(90 + 1 / 60, 6);
    // A sync stored through this process is seen by the very next request.
    await commitBatch(db, { sourceSyncs: [sync(t, "a", at(-5))] });
    const fresh = await sourceLags(db, scope, later);
    expect(fresh[0]?.breach).toBe(false);
    expect(fresh[0]?.lag_minutes).toBeCloseTo(5 + 1 / 60, 6);
    // A past moment reads its own points: the newer sync had not ended an hour ago.
    expect((await sourceLags(db, scope, at(-60)))[0]?.lag_minutes).toBeCloseTo(30, 6);
  });
});
