import { afterEach, describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { importBaseline } from "@/ingest/baseline/import-baseline";
import { runMetric, type MetricInput, type MetricKey } from "@/metrics/registry";
import { dayString } from "@/metrics/scope";
import { daysAgo, run } from "@/metrics/testing";
import { lockBaseline } from "@/server/baseline/lock";
import { setWorkflowCosts } from "@/server/baseline/workflow-costs";
import { cachedMetric } from "@/server/routers/cached-metric";
import { startScorecards, type Scheduler } from "./scheduler";
import { setScorecardVersion, shared } from "./scorecard";
import { inputsKey, readScorecard } from "./store";

const GO_LIVE_DAYS_AGO = 40;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

/** 40 baseline runs of 2 h before go-live and 40 live runs of 1 h after it, in workflow "intake". */
async function world(): Promise<string> {
  const db = await testDb();
  const tenant = freshTenant();
  const baseline = Array.from({ length: 40 }, (_, i) => run(tenant, { phase: "baseline", at: daysAgo(GO_LIVE_DAYS_AGO + 5 + (i % 10)), hours: 2 }));
  const live = Array.from({ length: 40 }, (_, i) => run(tenant, { at: daysAgo(2 + (i % 10)), hours: 1 }));
  await commitBatch(db, { runs: [...baseline, ...live] });
  return tenant;
}

const goLive = () => dayString(daysAgo(GO_LIVE_DAYS_AGO));
/** What the metrics engine says now, as it comes back from storage (JSON). */
const engine = async (key: MetricKey, input: MetricInput) => JSON.parse(JSON.stringify(await runMetric(await testDb(), key, input))) as unknown;
const stored = async (key: MetricKey, input: MetricInput) => (await readScorecard(await testDb(), input.tenantId, key, inputsKey(input)))!;

async function start(tenant: string): Promise<Scheduler> {
  // The timer never fires within a test: each pass is run by hand.
  scheduler = startScorecards(await testDb(), { firstMs: 3_600_000, tenants: async () => [tenant], log: () => undefined });
  return scheduler;
}

describe("scorecard scheduler", () => {
  it("computes a cold start's firm-wide scorecards and those pages read, then nothing while nothing changes", async () => {
    const tenant = await world();
    const s = await start(tenant);
    const input: MetricInput = { tenantId: tenant, workflows: null, workflow: "intake", asOf: new Date() };
    const page = await cachedMetric(await testDb(), "cycle-time", input);
    expect(Date.parse(page.computedAt)).not.toBeNaN();
    // The first pass computes the tenant's milestones, the overview's three firm-wide tiles, its
    // lagging checkpoints, progress and pilot-trap cards; the page's scorecard is current, so it is left alone.
    expect(await s.tick()).toBe(7);
    for (const key of ["labor-hours", "cycle-time", "exception-rate", "progress", "pilot-trap", "business-milestones"] as const) {
      expect((await stored(key, { tenantId: tenant, workflows: null })).result.key).toBe(key);
    }
    expect((await stored("milestones", { tenantId: tenant, workflows: null })).result.key).toBe("milestones");
    expect(await s.tick()).toBe(0);
    const card = await stored("cycle-time", input);
    // Another process (or a restart) reads the stored result and the time it was computed.
    shared().remembered.clear();
    const again = await cachedMetric(await testDb(), "cycle-time", input);
    expect(again.computedAt).toBe(card.computedAt.toISOString());
    const { computedAt: _, ...result } = again;
    expect(result).toEqual(await engine("cycle-time", input));
  });

  it("runs the start-up work for every tenant once, in the first pass only, and survives its failure", async () => {
    const tenant = await world();
    shared().inUse.clear();
    const calls: string[] = [];
    const lines: string[] = [];
    scheduler = startScorecards(await testDb(), {
      firstMs: 3_600_000,
      tenants: async () => [tenant],
      log: (l) => lines.push(l),
      atStart: async (_db, id) => {
        calls.push(id);
        throw new Error("markers failed");
      },
    });
    await scheduler.tick();
    await scheduler.tick();
    expect(calls).toEqual([tenant]);
    expect(lines.join("\n")).toContain(`start-up work for ${tenant} failed: markers failed`);
  });

  it("serves a restart of the same build what it stored, and recomputes what another build stored", async () => {
    const tenant = await world();
    // Pages of earlier tests are still "in use" in this process; only this tenant's firm-wide seven count here.
    shared().inUse.clear();
    try {
      setScorecardVersion("build-a");
      expect(await (await start(tenant)).tick()).toBe(7);
      const card = await stored("milestones", { tenantId: tenant, workflows: null });
      await scheduler?.stop();
      // A restart: the process's memory is gone, the store keeps what the same build computed.
      shared().remembered.clear();
      expect(await (await start(tenant)).tick()).toBe(0);
      await scheduler?.stop();
      shared().remembered.clear();
      // An upgrade: the stored results may have another shape, so every one is computed again.
      setScorecardVersion("build-b");
      expect(await (await start(tenant)).tick()).toBe(7);
      const recomputed = await stored("milestones", { tenantId: tenant, workflows: null });
      expect(recomputed.computedAt.getTime()).toBeGreaterThanOrEqual(card.computedAt.getTime());
      expect(recomputed.fingerprint).not.toBe(card.fingerprint);
    } finally {
      setScorecardVersion("");
    }
  });

  it("recomputes after a baseline lock, and a page never gets the result from before it", async () => {
    const tenant = await world();
    const s = await start(tenant);
    const db = await testDb();
    const input: MetricInput = { tenantId: tenant, workflows: null, workflow: "intake", asOf: new Date() };
    const before = await cachedMetric(db, "cycle-time", input);
    expect(before.status).toBe("insufficient_data");
    await s.tick();
    await lockBaseline(db, { tenantId: tenant, workflow: "intake", goLiveDate: goLive(), actor: "test" });
    // Read before the scheduler's pass: computed afresh, since the stored one predates the lock.
    const page = await cachedMetric(db, "cycle-time", input);
    expect(page.baselineVersion).toBe(1);
    expect(page.key === "cycle-time" && page.compression).toBe(0.5);
    shared().remembered.clear();
    await lockBaseline(db, { tenantId: tenant, workflow: "intake", goLiveDate: goLive(), actor: "test", reason: "re-lock" });
    // cycle-time and milestones both depend on the lock.
    expect(await s.tick()).toBe(2);
    const card = await stored("cycle-time", input);
    expect(card.result.baselineVersion).toBe(2);
    expect(card.result).toEqual(await engine("cycle-time", input));
  });

  it("recomputes after a settings change and after an import", async () => {
    const tenant = await world();
    const s = await start(tenant);
    const db = await testDb();
    const input: MetricInput = { tenantId: tenant, workflows: null, asOf: new Date() };
    await lockBaseline(db, { tenantId: tenant, workflow: "intake", goLiveDate: goLive(), actor: "test" });
    await cachedMetric(db, "labor-hours", input);
    await s.tick();
    const first = await stored("labor-hours", input);

    await setWorkflowCosts(db, { tenantId: tenant, workflow: "intake", actor: "test", costs: { hourly_cost: 120 } });
    expect(await s.tick()).toBe(2);
    const afterSettings = await stored("labor-hours", input);
    expect(afterSettings.computedAt.getTime()).toBeGreaterThanOrEqual(first.computedAt.getTime());
    expect(afterSettings.fingerprint).not.toBe(first.fingerprint);
    expect(afterSettings.result).toEqual(await engine("labor-hours", input));

    const day = dayString(daysAgo(GO_LIVE_DAYS_AGO + 20));
    const csv = Buffer.from(`case,start,end\nOLD-1,${day}T09:00:00Z,${day}T19:00:00Z\nOLD-2,${day}T10:00:00Z,${day}T11:00:00Z\n`);
    await importBaseline(db, { tenantId: tenant, workflow: "intake", source: csv, fileName: "old.csv", actor: "test" });
    expect(await s.tick()).toBe(2);
    const afterImport = await stored("labor-hours", input);
    expect(afterImport.fingerprint).not.toBe(afterSettings.fingerprint);
    expect(afterImport.result).toEqual(await engine("labor-hours", input));
  });
});
