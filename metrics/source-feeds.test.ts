import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { SourceSyncRow } from "@/ingest/rows";
import { staleFeeding, staleSources } from "./source-feeds";
import { daysAgo, run } from "./testing";

const NOW = daysAgo(1, 12);
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
let n = 0;
const sync = (t: string, source: string, end: Date, over: Partial<SourceSyncRow> = {}): SourceSyncRow => ({
  tenant_id: t, source, span_id: `feed${++n}`, start_time: new Date(end.getTime() - 60_000), end_time: end, status: "ok", ...over,
});
const access = (t: string, source: string, workflow: string) => ({
  tenant_id: t, event_id: `ev${++n}`, time: min(-90), source, workflow, decision: "allow", data_classification: "phi",
});

/**
 * By hand: every source has a 60-minute SLA (ledger 30) as of NOW.
 * - crm last delivered 300 min ago: stale; wf-a read from it (a data-access event).
 * - erp last delivered 180 min ago: stale; its sync shares a trace with a run of wf-b.
 * - dms delivered 10 min ago: fresh; wf-c read from it.
 * - ledger never delivered: stale, and feeds nothing.
 */
async function world() {
  const t = freshTenant();
  const db = await testDb();
  await db.insert("sources", ["crm", "erp", "dms"].map((source) => ({ tenant_id: t, source, freshness_sla_minutes: 60 })));
  await db.insert("sources", [{ tenant_id: t, source: "ledger", freshness_sla_minutes: 30 }]);
  const linked = run(t, { workflow: "wf-b", at: min(-240), trace_id: "feedtrace-erp" });
  await commitBatch(db, {
    runs: [linked, run(t, { workflow: "wf-a", at: min(-240) }), run(t, { workflow: "wf-c", at: min(-240) })],
    sourceSyncs: [sync(t, "crm", min(-300)), sync(t, "erp", min(-180), { trace_id: "feedtrace-erp" }), sync(t, "dms", min(-10))],
  });
  await db.insert("data_access_events", [access(t, "crm", "wf-a"), access(t, "dms", "wf-c")]);
  return { t, db };
}

describe("stale sources and the workflows they feed", () => {
  it("names each stale source with the workflows whose spans it delivered", async () => {
    const { t, db } = await world();
    const stale = await staleSources(db, { tenant: t, all_wf: 1, wfs: [] }, NOW);
    expect(stale.map((s) => [s.source, s.lag_minutes, s.workflows])).toEqual([
      ["crm", 300, ["wf-a"]],
      ["erp", 180, ["wf-b"]],
      ["ledger", null, []],
    ]);
  });

  it("gives a tile a badge only when a workflow it counts is fed by a stale source", async () => {
    const { t, db } = await world();
    const stale = await staleSources(db, { tenant: t, all_wf: 1, wfs: [] }, NOW);
    const names = (workflows: string[]) => staleFeeding(stale, workflows).map((s) => s.source);
    expect(names(["wf-a"])).toEqual(["crm"]);
    expect(names(["wf-b"])).toEqual(["erp"]);
    expect(names(["wf-c"])).toEqual([]);
    expect(names(["wf-a", "wf-b", "wf-c"])).toEqual(["crm", "erp"]);
    expect(names([])).toEqual([]);
  });

  it("shows a member behind a barrier only their workflows' sources and names no other workflow", async () => {
    const { t, db } = await world();
    const stale = await staleSources(db, { tenant: t, all_wf: 0, wfs: ["wf-a"] }, NOW);
    expect(stale.map((s) => [s.source, s.workflows])).toEqual([["crm", ["wf-a"]]]);
  });
});
