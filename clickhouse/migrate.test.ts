import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadMigrations, migrate, MigrationError } from "./migrate";
import { newClusterState, renderMigration } from "./render";
import { freshTenant, testDb } from "./testing";

describe("migrations", () => {
  it("apply nothing on a second run", async () => {
    const db = await testDb(); // first run happened here
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.total).toBe(loadMigrations().length);
  });

  it("create every table the data contract needs, tenant first in each telemetry key", async () => {
    const db = await testDb();
    const rows = await db.query(
      "SELECT name, sorting_key, partition_key FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree'",
      {},
      z.object({ name: z.string(), sorting_key: z.string(), partition_key: z.string() }),
    );
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const t of ["runs", "steps", "source_syncs", "data_access_events", "ingest_stats", "exception_actions", "audit_log"]) {
      const r = byName.get(t);
      expect(r, t).toBeDefined();
      expect(r?.sorting_key.startsWith("tenant_id"), `${t} sorting key ${r?.sorting_key}`).toBe(true);
      expect(r?.partition_key, t).toMatch(/toYYYYMM/);
    }
    for (const t of ["tenants", "users", "memberships", "workflow_groups", "ingest_keys", "workflows", "sources", "declared_baselines", "baseline_locks", "baseline_lock_runs", "baseline_imports"]) {
      expect(byName.has(t), t).toBe(true);
    }
  });

  it("stop at a failing file, name it, and do not record it", async () => {
    const db = await testDb();
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-mig-"));
    // Numbers far above the real tree so this private ledger entry cannot collide with it.
    writeFileSync(path.join(dir, "9001_ok.sql"), "CREATE TABLE IF NOT EXISTS mig_probe_ok (tenant_id String) ENGINE = MergeTree ORDER BY tenant_id;\n");
    writeFileSync(path.join(dir, "9002_broken.sql"), "CREATE TABLE IF NOT EXISTS mig_probe_bad (tenant_id Strin) ENGINE = MergeTree ORDER BY tenant_id;\n");
    const err = await migrate(db, { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain("9002_broken.sql");
    const recorded = await db.query(
      "SELECT file FROM schema_migrations WHERE version >= 9000 ORDER BY version",
      {},
      z.object({ file: z.string() }),
    );
    expect(recorded.map((r) => r.file)).toEqual(["9001_ok.sql"]);
  });

  it("refuse an applied file whose text changed", async () => {
    const db = await testDb();
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-mig-"));
    writeFileSync(path.join(dir, "9101_probe.sql"), "CREATE TABLE IF NOT EXISTS mig_probe_edit (tenant_id String) ENGINE = MergeTree ORDER BY tenant_id;\n");
    await migrate(db, { dir });
    writeFileSync(path.join(dir, "9101_probe.sql"), "CREATE TABLE IF NOT EXISTS mig_probe_edit2 (tenant_id String) ENGINE = MergeTree ORDER BY tenant_id;\n");
    await expect(migrate(db, { dir })).rejects.toThrow(/9101_probe.sql was changed/);
  });

  it("reject file names that are not numbered", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-mig-"));
    writeFileSync(path.join(dir, "create_things.sql"), "SELECT 1;");
    expect(() => loadMigrations(dir)).toThrow(/must look like/);
  });
});

describe("0110: wider merges for the span tables", () => {
  it("sets merge_selector_base on runs and steps only, and their rows merge as before", async () => {
    const db = await testDb();
    const tables = await db.query(
      `SELECT name, create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name IN ('runs', 'steps', 'source_syncs') ORDER BY name`,
      {},
      z.object({ name: z.string(), q: z.string() }),
    );
    expect(tables.map((t) => [t.name, /merge_selector_base = 10\b/.test(t.q)])).toEqual([
      ["runs", true],
      ["source_syncs", false],
      ["steps", true],
    ]);
    // The same span delivered in two parts still collapses to one row when they merge.
    const tenant = freshTenant();
    const run = { tenant_id: tenant, workflow: "w", run_id: "r", span_id: "s", phase: "live", start_time: Date.now() - 60_000, end_time: Date.now(), outcome: "completed" };
    await db.insert("runs", [run]);
    await db.insert("runs", [{ ...run, outcome: "exception" }]);
    await db.command("OPTIMIZE TABLE runs FINAL");
    const rows = await db.query(`SELECT outcome FROM runs WHERE tenant_id = {t:String}`, { t: tenant }, z.object({ outcome: z.string() }));
    expect(rows).toEqual([{ outcome: "exception" }]);
  });
});

describe("0120: wider merges for the tables a flush adds tiny parts to", () => {
  it("sets merge_selector_base 16 on ingest_stats, and its rows merge as before", async () => {
    const db = await testDb();
    const tables = await db.query(
      `SELECT name, extract(create_table_query, 'merge_selector_base = (\\d+)') AS base FROM system.tables
       WHERE database = currentDatabase() AND name IN ('ingest_stats', 'ingest_requests', 'runs', 'steps') ORDER BY name`,
      {},
      z.object({ name: z.string(), base: z.string() }),
    );
    expect(tables.map((t) => [t.name, t.base])).toEqual([
      ["ingest_requests", ""],
      ["ingest_stats", "16"],
      ["runs", "10"],
      ["steps", "10"],
    ]);
    // Three flushes' parts of one day's stats still add up once merged: 5 + 7 + 0 accepted spans and
    // 0 + 1 + 2 rejected.
    const tenant = freshTenant();
    const start = Date.now() - 3_600_000;
    const day = new Date(start).toISOString().slice(0, 10);
    for (const [accepted, rejected] of [[5, 0], [7, 1], [0, 2]]) {
      await db.insert("ingest_stats", [{ tenant_id: tenant, day, channel: "otlp-traces", source: "s", accepted, rejected }]);
    }
    await db.command("OPTIMIZE TABLE ingest_stats FINAL");
    const stats = await db.query(
      `SELECT accepted, rejected FROM ingest_stats WHERE tenant_id = {t:String}`,
      { t: tenant },
      z.object({ accepted: z.coerce.number(), rejected: z.coerce.number() }),
    );
    expect(stats).toEqual([{ accepted: 12, rejected: 3 }]);
  });
});

describe("0150: no rollup that counts deliveries", () => {
  const ROLLUPS = ["runs_daily", "runs_cycle_daily", "steps_daily", "run_flags_daily", "ai_usage_daily"];
  it("drops the daily rollups and their views, so nothing can count a resent span twice", async () => {
    const db = await testDb();
    const left = await db.query(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND (name IN {names:Array(String)} OR name LIKE '%daily_mv' OR name LIKE 'run_flags%')",
      { names: ROLLUPS },
      z.object({ name: z.string() }),
    );
    expect(left).toEqual([]);
  });

  it("drops both halves of a sharded rollup on a cluster", () => {
    const state = newClusterState();
    const all = loadMigrations().flatMap((m) => renderMigration(m.text, "c", state).map((sql) => ({ file: m.file, sql })));
    const drops = all.filter(({ file, sql }) => file.startsWith("0150_") && /^DROP TABLE/.test(sql)).map(({ sql }) => /^DROP TABLE IF EXISTS (\w+)/.exec(sql)?.[1]);
    expect(drops).toEqual(ROLLUPS.flatMap((t) => [t, `${t}_local`]));
    for (const t of ROLLUPS) expect(state.sharded.has(t)).toBe(false);
  });
});

describe("0254: run facts made anew", () => {
  it("drops both halves SYNC before making them again, and the replicated settlement table too", () => {
    const state = newClusterState();
    const all = loadMigrations().flatMap((m) => renderMigration(m.text, "c", state).map((sql) => ({ file: m.file, sql })));
    const mine = all.filter(({ file }) => file.startsWith("0254_")).map(({ sql }) => sql.split("\n")[0]!.replace(/\s*\($/, ""));
    expect(mine).toEqual([
      "DROP TABLE IF EXISTS run_facts ON CLUSTER `c` SYNC",
      "DROP TABLE IF EXISTS run_facts_local ON CLUSTER `c` SYNC",
      "CREATE TABLE IF NOT EXISTS run_facts_local ON CLUSTER `c`",
      "CREATE TABLE IF NOT EXISTS run_facts ON CLUSTER `c` AS run_facts_local",
      "DROP TABLE IF EXISTS run_facts_settled ON CLUSTER `c` SYNC",
      "CREATE TABLE IF NOT EXISTS run_facts_settled ON CLUSTER `c`",
    ]);
    expect(state.sharded.has("run_facts")).toBe(true);
  });
});

describe("cluster rendering", () => {
  const cluster = "plumbline_cluster";
  const state = newClusterState();
  const rendered = loadMigrations().flatMap((m) => renderMigration(m.text, cluster, state).map((sql) => ({ file: m.file, sql })));

  it("puts every DDL statement ON CLUSTER with Replicated engines and Distributed fronts", () => {
    expect(rendered.length).toBeGreaterThan(20);
    for (const { file, sql } of rendered) {
      // Data statements (a back-fill) run once, through the Distributed fronts; DDL runs on every node.
      if (/^INSERT\b/i.test(sql)) {
        expect(sql, file).not.toContain("ON CLUSTER");
        continue;
      }
      expect(sql, file).toContain(`ON CLUSTER \`${cluster}\``);
      if (/ENGINE\s*=\s*\w*MergeTree/.test(sql)) expect(sql, `${file}: ${sql.slice(0, 80)}`).toMatch(/ENGINE = Replicated\w*MergeTree\('/);
    }
    expect(rendered.some(({ sql }) => /CREATE TABLE IF NOT EXISTS runs ON CLUSTER .* AS runs_local\s+ENGINE = Distributed/.test(sql))).toBe(true);
    expect(rendered.some(({ sql }) => /runs_daily_mv ON CLUSTER .* TO runs_daily_local[\s\S]*FROM runs_local/.test(sql))).toBe(true);
    expect(state.replicated.has("tenants")).toBe(true);
    expect(state.sharded.has("tenants")).toBe(false);
  });

  it("renders statements the ClickHouse parser accepts", async () => {
    const db = await testDb();
    for (const { file, sql } of rendered) {
      const rows = await db
        .query("SELECT formatQuery({q:String}) AS f", { q: sql }, z.object({ f: z.string() }))
        .catch((e: unknown) => {
          throw new Error(`${file}: ${String(e)}\n${sql}`);
        });
      expect(rows[0]?.f.length, file).toBeGreaterThan(0);
    }
  });

  it("points a view's new query at the shard's local table", () => {
    const modify = rendered.filter(({ file, sql }) => file.startsWith("0100_") && /MODIFY QUERY/.test(sql));
    expect(modify).toHaveLength(1);
    expect(modify[0]?.sql).toMatch(/^ALTER TABLE runs_daily_mv ON CLUSTER .* MODIFY QUERY[\s\S]*FROM runs_local\b/);
    const dropped = rendered.filter(({ file, sql }) => file.startsWith("0100_") && /DROP COLUMN/.test(sql));
    expect(dropped.map(({ sql }) => /^ALTER TABLE (\w+)/.exec(sql)?.[1])).toEqual(["runs_daily_local", "runs_daily"]);
  });

  it("sends the span tables' merge setting to the local tables only", () => {
    const merges = rendered.filter(({ file }) => file.startsWith("0110_"));
    expect(merges.map(({ sql }) => /^ALTER TABLE (\w+) ON CLUSTER .* MODIFY SETTING merge_selector_base = 10/.exec(sql)?.[1])).toEqual(["runs_local", "steps_local"]);
  });

  it("sends the rollups' merge setting to the local tables only", () => {
    const merges = rendered.filter(({ file }) => file.startsWith("0120_"));
    expect(merges.map(({ sql }) => /^ALTER TABLE (\w+) ON CLUSTER .* MODIFY SETTING merge_selector_base = 16$/.exec(sql)?.[1])).toEqual([
      "runs_daily_local",
      "steps_daily_local",
      "run_flags_daily_local",
      "ai_usage_daily_local",
      "runs_cycle_daily_local",
      "ingest_stats_local",
    ]);
  });

  it("sends storage codecs to the local tables only, column changes to both", () => {
    const codecs = rendered.filter(({ file }) => file.startsWith("0070_"));
    expect(codecs.map(({ sql }) => /^ALTER TABLE (\w+)/.exec(sql)?.[1])).toEqual(["steps_local", "runs_local"]);
    const s = newClusterState();
    s.sharded.add("runs");
    const added = renderMigration("ALTER TABLE runs ADD COLUMN note String DEFAULT '';", cluster, s);
    expect(added.map((sql) => /^ALTER TABLE (\w+)/.exec(sql)?.[1])).toEqual(["runs_local", "runs"]);
  });

  it("leaves single-node SQL untouched", () => {
    const [m] = loadMigrations();
    const single = renderMigration(m?.text ?? "", undefined, newClusterState());
    expect(single.join("\n")).not.toContain("ON CLUSTER");
  });
});
