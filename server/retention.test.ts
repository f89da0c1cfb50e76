import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { toClickHouseTime } from "@/clickhouse/client";
import type { Env } from "./env";
import { migrateCommand } from "./cli/commands/migrate";
import { applyRetention, classify, parseTtl, retentionConfig, RetentionError, tableTtls } from "./retention";

const DEFAULTS = { rawDays: 400, rollupDays: 1830 };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
const envWith = (raw: number, rollup: number, force = false) =>
  ({ PLUMBLINE_RAW_RETENTION_DAYS: raw, PLUMBLINE_ROLLUP_RETENTION_DAYS: rollup, PLUMBLINE_RETENTION_FORCE: force }) as Env;

function run(tenant: string, id: string, phase: "baseline" | "live" | "manual", start: Date) {
  const end = new Date(start.getTime() + 60_000);
  return {
    tenant_id: tenant, workflow: "intake", run_id: id, phase, outcome: "completed",
    start_time: toClickHouseTime(start), end_time: toClickHouseTime(end),
  };
}

describe("retention", () => {
  // TTLs are table-wide: this file's test process owns its store, and puts the defaults back when done.
  afterAll(async () => {
    await applyRetention(await testDb(), DEFAULTS);
  });

  it("refuses a raw retention below 400 days unless forced", () => {
    expect(() => retentionConfig(envWith(90, 1830))).toThrow(RetentionError);
    expect(retentionConfig(envWith(90, 1830, true)).rawDays).toBe(90);
  });

  it("refuses rollups kept shorter than raw data unless forced", () => {
    expect(() => retentionConfig(envWith(800, 500))).toThrow(/shorter than the raw retention/);
  });

  it("reads each table's TTL and keeps the audit log and short sweeps out of retention", async () => {
    const ttls = await tableTtls(await testDb());
    const byName = new Map(ttls.map((t) => [t.table, t]));
    expect(byName.get("runs")).toMatchObject({ days: 400 });
    // As migrated, or already rewritten by applyRetention (a shared server store keeps it between runs).
    expect(["phase = 'live'", "phase != 'baseline'"]).toContain(byName.get("runs")!.where);
    expect(classify(byName.get("runs")!)).toBe("raw");
    expect(classify({ table: "runs_daily", expr: "day", days: 1830 })).toBe("rollup");
    expect(classify(byName.get("audit_log")!)).toBe("untouched");
    expect(classify({ table: "baseline_staging", expr: "staged_at", days: 2 })).toBe("untouched");
  });

  it("parses the TTL clause ClickHouse prints, with or without an exemption", () => {
    expect(parseTtl("x", "MergeTree ORDER BY a TTL day + toIntervalDay(30) SETTINGS index_granularity = 8192")).toEqual({
      table: "x", expr: "day", days: 30,
    });
    expect(parseTtl("x", "MergeTree ORDER BY a")).toBeUndefined();
  });

  it("rewrites the tables' first exemption once, so manual-phase rows expire too, then changes nothing", async () => {
    const db = await testDb();
    const first = await applyRetention(db, DEFAULTS);
    // Created with `phase = 'live'` (migration 0002); a store already rewritten by an earlier run has none to change.
    for (const c of first) expect(c).toMatchObject({ from: c.to, where: "phase != 'baseline'" });
    expect((await tableTtls(db)).find((t) => t.table === "runs")).toMatchObject({ days: 400, where: "phase != 'baseline'" });
    expect(await applyRetention(db, DEFAULTS)).toEqual([]);
  });

  it("is applied by `plumbline migrate` too, so a server starting over data the CLI loaded rewrites no TTL", async () => {
    const db = await testDb();
    await applyRetention(db, { rawDays: 500, rollupDays: 1830 });
    expect((await tableTtls(db)).find((t) => t.table === "steps")).toMatchObject({ days: 500 });
    await migrateCommand.run({ db, actor: "cli:test", cwd: process.cwd(), progress: () => undefined, remote: false }, { positionals: [], values: {} });
    expect((await tableTtls(db)).find((t) => t.table === "steps")).toMatchObject({ days: 400, where: "phase != 'baseline'" });
    expect(await applyRetention(db, DEFAULTS)).toEqual([]);
  });

  it("expires live and manual rows past a shortened retention and keeps baseline and recent rows", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    await db.insert("runs", [
      run(tenant, "old-live", "live", daysAgo(60)),
      run(tenant, "old-manual", "manual", daysAgo(60)),
      run(tenant, "old-baseline", "baseline", daysAgo(60)),
      run(tenant, "new-live", "live", daysAgo(2)),
      run(tenant, "new-manual", "manual", daysAgo(2)),
    ]);
    const changes = await applyRetention(db, { rawDays: 30, rollupDays: 30 });
    expect(changes).toContainEqual({ table: "runs", from: 400, to: 30 });
    expect(changes.map((c) => c.table)).not.toContain("audit_log");

    await db.command("OPTIMIZE TABLE runs FINAL");
    const left = await db.query(
      "SELECT run_id FROM runs WHERE tenant_id = {t:String} ORDER BY run_id",
      { t: tenant },
      z.object({ run_id: z.string() }),
    );
    expect(left.map((r) => r.run_id)).toEqual(["new-live", "new-manual", "old-baseline"]);

    const restored = await applyRetention(db, DEFAULTS);
    expect(restored).toContainEqual({ table: "runs", from: 30, to: 400 });
    const runs = (await tableTtls(db)).find((t) => t.table === "runs");
    expect(runs).toMatchObject({ days: 400, where: "phase != 'baseline'" });
  });
});
