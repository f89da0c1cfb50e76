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
    for (const t of ["runs", "steps", "source_syncs", "data_access_events", "ingest_stats", "runs_daily", "steps_daily", "exception_actions", "audit_log"]) {
      const r = byName.get(t);
      expect(r, t).toBeDefined();
      expect(r?.sorting_key.startsWith("tenant_id"), `${t} sorting key ${r?.sorting_key}`).toBe(true);
      expect(r?.partition_key, t).toMatch(/toYYYYMM/);
    }
    for (const t of ["tenants", "users", "memberships", "workflow_groups", "ingest_keys", "workflows", "sources", "declared_baselines", "baseline_locks", "baseline_imports"]) {
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

describe("0080: cycle time in its own fine-grained rollup", () => {
  const cycle = z.object({ n: z.coerce.number(), s: z.number(), q: z.array(z.number()) });
  const read = (db: Awaited<ReturnType<typeof testDb>>, table: string, tenant: string) =>
    db.query(
      `SELECT sum(runs) AS n, sum(cycle_seconds_sum) AS s, quantilesMerge(0.5, 0.9)(cycle_seconds_q) AS q FROM ${table} WHERE tenant_id = {t:String}`,
      { t: tenant },
      cycle,
    );

  it("back-fills what runs_daily held before it, and is fed by new runs after", async () => {
    const db = await testDb();
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    // Days rolled up before 0080 existed: states in runs_daily, which has not held them since 0100;
    // a table of its shape then stands in for it.
    const before = freshTenant();
    const old = `runs_daily_pre0080_${before.replace(/-/g, "")}`;
    await db.command(
      `CREATE TABLE ${old} (tenant_id String, workflow String, phase Enum8('baseline' = 1, 'live' = 2), day Date, runs UInt64,
         cycle_seconds_sum Float64, cycle_seconds_q AggregateFunction(quantiles(0.5, 0.9), Float64)) ENGINE = Memory`,
    );
    await db.command(
      `INSERT INTO ${old} SELECT {t:String}, 'w', 'live', toDate({d:String}), 3, 60 + 120 + 600, quantilesState(0.5, 0.9)(arrayJoin([60., 120., 600.]))`,
      { t: before, d: day },
    );
    const backfill = loadMigrations().find((m) => m.file.startsWith("0080_"))?.text.split(";").find((st) => /INSERT INTO runs_cycle_daily/.test(st));
    expect(backfill).toBeDefined();
    await db.command(backfill!.replace("'0080_runs_cycle_daily_backfill'", `'backfill-${before}'`).replace("FROM runs_daily", `FROM ${old}`));
    await db.command(`DROP TABLE ${old}`);
    // p90 of 60, 120, 600 by linear interpolation at (n − 1)·0.9 = 1.8: 120 + 0.8 × 480 = 504.
    expect(await read(db, "runs_cycle_daily", before)).toEqual([{ n: 3, s: 780, q: [120, 504] }]);
    // New runs reach it through its view: the same figures from the same three cycle times.
    const after = freshTenant();
    const start = Date.parse(`${day}T08:00:00Z`);
    await db.insert(
      "runs",
      [60, 120, 600].map((sec, i) => ({ tenant_id: after, workflow: "w", run_id: `r${i}`, phase: "live", start_time: start, end_time: start + sec * 1000, outcome: "completed" })),
    );
    expect(await read(db, "runs_cycle_daily", after)).toEqual([{ n: 3, s: 780, q: [120, 504] }]);
  });
});

describe("0110: wider merges for the span tables", () => {
  it("sets merge_selector_base on runs and steps only, and their rows merge as before", async () => {
    const db = await testDb();
    const tables = await db.query(
      `SELECT name, create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name IN ('runs', 'steps', 'runs_daily', 'source_syncs') ORDER BY name`,
      {},
      z.object({ name: z.string(), q: z.string() }),
    );
    expect(tables.map((t) => [t.name, /merge_selector_base = 10\b/.test(t.q)])).toEqual([
      ["runs", true],
      ["runs_daily", false],
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
  it("sets merge_selector_base 16 on the rollups and ingest_stats only, and their rows merge as before", async () => {
    const db = await testDb();
    const tables = await db.query(
      `SELECT name, extract(create_table_query, 'merge_selector_base = (\\d+)') AS base FROM system.tables
       WHERE database = currentDatabase() AND name IN ('runs_daily', 'steps_daily', 'run_flags_daily', 'ai_usage_daily',
         'runs_cycle_daily', 'ingest_stats', 'ingest_requests', 'runs', 'steps') ORDER BY name`,
      {},
      z.object({ name: z.string(), base: z.string() }),
    );
    expect(tables.map((t) => [t.name, t.base])).toEqual([
      ["ai_usage_daily", "16"],
      ["ingest_requests", ""],
      ["ingest_stats", "16"],
      ["run_flags_daily", "16"],
      ["runs", "10"],
      ["runs_cycle_daily", "16"],
      ["runs_daily", "16"],
      ["steps", "10"],
      ["steps_daily", "16"],
    ]);
    // Three flushes' parts of one day's rollup and stats still add up once merged: 2 + 1 + 3 runs,
    // 1 exception; 5 + 7 + 0 accepted spans and 0 + 1 + 2 rejected.
    const tenant = freshTenant();
    const start = Date.now() - 3_600_000;
    const run = (id: string, outcome: string) => ({ tenant_id: tenant, workflow: "w", run_id: id, phase: "live", start_time: start, end_time: start + 60_000, outcome });
    await db.insert("runs", [run("a", "completed"), run("b", "completed")]);
    await db.insert("runs", [run("c", "exception")]);
    await db.insert("runs", [run("d", "completed"), run("e", "completed"), run("f", "completed")]);
    const day = new Date(start).toISOString().slice(0, 10);
    for (const [accepted, rejected] of [[5, 0], [7, 1], [0, 2]]) {
      await db.insert("ingest_stats", [{ tenant_id: tenant, day, channel: "otlp-traces", source: "s", accepted, rejected }]);
    }
    await db.command("OPTIMIZE TABLE runs_daily FINAL");
    await db.command("OPTIMIZE TABLE ingest_stats FINAL");
    const [daily] = await db.query(
      `SELECT sum(runs) AS n, sum(exceptions) AS ex FROM runs_daily WHERE tenant_id = {t:String}`,
      { t: tenant },
      z.object({ n: z.coerce.number(), ex: z.coerce.number() }),
    );
    expect(daily).toEqual({ n: 6, ex: 1 });
    const stats = await db.query(
      `SELECT accepted, rejected FROM ingest_stats WHERE tenant_id = {t:String}`,
      { t: tenant },
      z.object({ accepted: z.coerce.number(), rejected: z.coerce.number() }),
    );
    expect(stats).toEqual([{ accepted: 12, rejected: 3 }]);
  });
});

describe("0100: runs_daily without the cycle-time states nobody read", () => {
  it("drops the column and still rolls up counts, cycle seconds and human minutes exactly", async () => {
    const db = await testDb();
    const cols = await db.query(
      "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'runs_daily' ORDER BY position",
      {},
      z.object({ name: z.string() }),
    );
    expect(cols.map((c) => c.name)).not.toContain("cycle_seconds_q");
    const tenant = freshTenant();
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse(`${day}T09:00:00Z`);
    // Four runs: 90 s completed with 5 human minutes, 30 s exception, 240 s failed with 0 minutes,
    // 45 s exception with no minutes recorded.
    const runs = [
      { sec: 90, outcome: "completed", human_minutes: 5 },
      { sec: 30, outcome: "exception", human_minutes: 2.5 },
      { sec: 240, outcome: "failed", human_minutes: 0 },
      { sec: 45, outcome: "exception", human_minutes: null },
    ];
    await db.insert(
      "runs",
      runs.map((r, i) => ({ tenant_id: tenant, workflow: "w", run_id: `r${i}`, phase: "live", start_time: start, end_time: start + r.sec * 1000, outcome: r.outcome, human_minutes: r.human_minutes })),
    );
    const rows = await db.query(
      `SELECT sum(runs) AS runs, sum(exceptions) AS exceptions, sum(failed) AS failed, sum(cycle_seconds_sum) AS seconds,
              sum(human_minutes_sum) AS minutes, sum(human_minutes_runs) AS minute_runs FROM runs_daily WHERE tenant_id = {t:String}`,
      { t: tenant },
      z.object({ runs: z.coerce.number(), exceptions: z.coerce.number(), failed: z.coerce.number(), seconds: z.number(), minutes: z.number(), minute_runs: z.coerce.number() }),
    );
    // 90 + 30 + 240 + 45 = 405 s; 5 + 2.5 + 0 = 7.5 minutes over the 3 runs that recorded any.
    expect(rows).toEqual([{ runs: 4, exceptions: 2, failed: 1, seconds: 405, minutes: 7.5, minute_runs: 3 }]);
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
