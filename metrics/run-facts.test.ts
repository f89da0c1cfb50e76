import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { deleteMarkingRuns } from "@/clickhouse/run-marks";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { dropSuperseded } from "@/ingest/baseline/import-identity";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import { OVERLAP_MS, settleRunFacts, shiftMs } from "./run-facts";
import { runSetParams, runSetSql } from "./run-set";
import { addDays } from "./scope";
import { daysAgo } from "./testing";

/**
 * The run facts a metric reads must hold every write made before it asked (docs/design.md, "Run
 * facts"), whichever path wrote it. Each case writes, settles, and reads the run set as every metric
 * does; the expected runs are the ones written, by hand.
 */

const idRow = z.object({ run_id: z.string(), minutes: z.number().nullable() });

async function liveRuns(db: Db, tenant: string): Promise<{ run_id: string; minutes: number | null }[]> {
  await settleRunFacts(db, tenant);
  return db.query(
    `SELECT run_id, human_minutes AS minutes FROM (${runSetSql()}) ORDER BY run_id`,
    { tenant, all_wf: 1, wfs: [], ...runSetParams("live", daysAgo(60), addDays(daysAgo(0), 1)) },
    idRow,
  );
}

const run = (tenant: string, id: string, extra: Partial<RunRow> = {}): RunRow => ({
  tenant_id: tenant, workflow: "intake", run_id: id, phase: "live", start_time: daysAgo(3), end_time: daysAgo(3, 14), outcome: "completed", ...extra,
});

/** The stored time of the tenant's last settlement, as the store prints it. */
async function settledThrough(db: Db, tenant: string): Promise<string> {
  const [r] = await db.query("SELECT toString(max(through)) AS t FROM run_facts_settled WHERE tenant_id = {tenant:String}", { tenant }, z.object({ t: z.string() }));
  return r!.t;
}

describe("run facts", () => {
  it("hold rows inserted by any path: the ingest, a plain insert and an INSERT … SELECT", async () => {
    const db = await testDb();
    const t = freshTenant();
    expect(await liveRuns(db, t)).toEqual([]);
    await commitBatch(db, { runs: [run(t, "a", { human_minutes: 4 })] });
    await db.insert("runs", [{ ...run(t, "b"), start_time: daysAgo(2), end_time: daysAgo(2, 13) }]);
    await db.command(
      `INSERT INTO runs (tenant_id, workflow, run_id, phase, start_time, end_time, outcome, human_minutes)
       SELECT tenant_id, workflow, 'c', phase, start_time, end_time, outcome, 7 FROM runs WHERE tenant_id = {t:String} AND run_id = 'a'`,
      { t },
    );
    expect(await liveRuns(db, t)).toEqual([
      { run_id: "a", minutes: 4 },
      { run_id: "b", minutes: null },
      { run_id: "c", minutes: 7 },
    ]);
    // A later delivery of a settled run replaces its row.
    await commitBatch(db, { runs: [run(t, "a", { human_minutes: 9 })] });
    expect((await liveRuns(db, t)).find((r) => r.run_id === "a")).toEqual({ run_id: "a", minutes: 9 });
  });

  it("hold a run resent with a start on another day once, on its new day", async () => {
    const db = await testDb();
    const t = freshTenant();
    await commitBatch(db, { runs: [run(t, "moved", { human_minutes: 1 }), run(t, "stays")] });
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["moved", "stays"]);
    await new Promise((r) => setTimeout(r, 5));
    await commitBatch(db, { runs: [run(t, "moved", { start_time: daysAgo(9), end_time: daysAgo(9, 14), human_minutes: 2 })] });
    // By hand: "moved" once, with its latest minutes; none left on its first day (3 days ago).
    expect(await liveRuns(db, t)).toEqual([
      { run_id: "moved", minutes: 2 },
      { run_id: "stays", minutes: null },
    ]);
    const onDay = (n: number) =>
      db.query(`SELECT run_id, human_minutes AS minutes FROM (${runSetSql()}) ORDER BY run_id`, { tenant: t, all_wf: 1, wfs: [], ...runSetParams("live", daysAgo(n), daysAgo(n - 1)) }, idRow);
    expect((await onDay(3)).map((r) => r.run_id)).toEqual(["stays"]);
    expect(await onDay(9)).toEqual([{ run_id: "moved", minutes: 2 }]);
  });

  it("drop a run whose rows a marked deletion removed, and keep one another delivery still holds", async () => {
    const db = await testDb();
    const t = freshTenant();
    // As an import stores them (publish-import.ts): origin and import id set.
    await db.insert("runs", [run(t, "gone"), run(t, "kept", { human_minutes: 2 })].map((r) => ({ ...r, origin: "import", import_id: "i1" })));
    await new Promise((r) => setTimeout(r, 5));
    await commitBatch(db, { runs: [run(t, "kept", { human_minutes: 5 })] });
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["gone", "kept"]);
    const where = "tenant_id = {tenant:String} AND origin = 'import' AND import_id = {importId:String}";
    await deleteMarkingRuns(db, where, { tenant: t, importId: "i1" }, async () => {
      for (const table of ["runs", "steps"]) await db.command(`DELETE FROM ${table} WHERE ${where}`, { tenant: t, importId: "i1" });
    });
    expect(await liveRuns(db, t)).toEqual([{ run_id: "kept", minutes: 5 }]);
  });

  it("drop an import's runs when the deletion is retried after a crash that left their old rows settled", async () => {
    const db = await testDb();
    const t = freshTenant();
    await db.insert("runs", [run(t, "old-reading")].map((r) => ({ ...r, origin: "import", import_id: "i1" })));
    const where = "tenant_id = {tenant:String} AND origin = 'import' AND import_id = {importId:String}";
    // The crash: the DELETE ran unmarked after a settlement had derived the run from the rows it removed.
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["old-reading"]);
    // Long after: the insert's marks are past the settlement's overlap (as if expired).
    await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String}", { t });
    await db.command(`DELETE FROM runs WHERE ${where}`, { tenant: t, importId: "i1" });
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["old-reading"]);
    // The import's retry finds nothing left to delete, and still has the run derived again.
    await dropSuperseded(db, { tenant: t, workflow: "intake" }, "i1");
    expect(await liveRuns(db, t)).toEqual([]);
  });

  it("read marks from a moment (OVERLAP_MS) before the last settlement, not earlier", async () => {
    const db = await testDb();
    const t = freshTenant();
    await liveRuns(db, t);
    const through = await settledThrough(db, t);
    // Two runs whose marks commit late: stamped before the settlement, within and beyond the overlap.
    for (const [id, back] of [["late", OVERLAP_MS / 2], ["lost", OVERLAP_MS * 2]] as const) {
      await db.insert("runs", [run(t, id)]);
      await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String} AND run_id = {id:String}", { t, id });
      await db.insert("run_facts_dirty", [{ tenant_id: t, workflow: "intake", phase: "live", run_id: id, marked_at: shiftMs(through, -back) }]);
    }
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["late"]);
  });

  it("derive a tenant whole when its last settlement is older than its marks can be", async () => {
    const db = await testDb();
    const t = freshTenant();
    await liveRuns(db, t);
    await db.insert("runs", [run(t, "unmarked")]);
    await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String}", { t });
    // Without a mark and with a recent settlement the run is not seen: what expired marks would cost.
    expect(await liveRuns(db, t)).toEqual([]);
    await db.insert("run_facts_settled", [{ tenant_id: t, through: shiftMs(await settledThrough(db, t), -29 * 86_400_000) }]);
    await db.command("DELETE FROM run_facts_settled WHERE tenant_id = {t:String} AND through > now64(6) - INTERVAL 1 DAY", { t });
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["unmarked"]);
  });

  it("derive the exception items and review latency whole for a tenant settled before they were kept, not its run facts", async () => {
    const db = await testDb();
    const t = freshTenant();
    const failed = run(t, "failed", { outcome: "exception" });
    const review = { tenant_id: t, workflow: "intake", run_id: "failed", span_id: "rv", step: "review", phase: "live" as const, actor: "human" as const, review_outcome: "approved" as const };
    await commitBatch(db, { runs: [failed], steps: [{ ...review, start_time: daysAgo(3, 12), end_time: daysAgo(3, 13) }] });
    await liveRuns(db, t);
    // As a store settled before 0255, its writes long past (no mark left): neither table holds the
    // tenant, and its settlement kept less (derives 0).
    await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String}", { t });
    await db.command("DELETE FROM exception_items WHERE tenant_id = {t:String}", { t });
    await db.command("DELETE FROM review_latency_days WHERE tenant_id = {t:String}", { t });
    await db.insert("run_facts_settled", [{ tenant_id: t, through: shiftMs(await settledThrough(db, t), 1), derives: 0 }]);
    const stamps = () => db.query(
      `SELECT (SELECT toString(max(derived_at)) FROM run_facts WHERE tenant_id = {t:String}) AS facts,
              (SELECT count() FROM exception_items FINAL WHERE tenant_id = {t:String} AND present = 1) AS items,
              (SELECT toString(sum(reviews)) || ' at ' || toString(max(minutes)) FROM review_latency_days FINAL WHERE tenant_id = {t:String}) AS latency`,
      { t },
      z.object({ facts: z.string(), items: z.coerce.number(), latency: z.string() }),
    );
    const before = (await stamps())[0]!;
    expect([before.items, before.latency]).toEqual([0, "0 at 0"]);
    await settleRunFacts(db, t);
    // By hand: one exception item, one review an hour long (60 minutes); the run facts not derived again.
    expect((await stamps())[0]).toEqual({ facts: before.facts, items: 1, latency: "1 at 60" });
  });

  it("share one settlement among concurrent readers, each seeing what was written before it asked", async () => {
    const db = await testDb();
    const t = freshTenant();
    await liveRuns(db, t);
    let settlements = 0;
    const counting: Db = {
      ...db,
      async command(sql, params) {
        if (sql.includes("INSERT INTO run_facts_settled")) settlements++;
        return db.command(sql, params);
      },
    };
    await commitBatch(db, { runs: [run(t, "r1")] });
    await Promise.all(Array.from({ length: 6 }, () => settleRunFacts(counting, t)));
    // The first call starts one; the five that came while it ran share the next.
    expect(settlements).toBe(2);
    await commitBatch(db, { runs: [run(t, "r2")] });
    await settleRunFacts(counting, t);
    expect(settlements).toBe(3);
    expect((await liveRuns(db, t)).map((r) => r.run_id)).toEqual(["r1", "r2"]);
  });
});
