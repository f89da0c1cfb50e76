import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkDedup, checkQuery, checkViewsAndBackfills, type RenderedStatement } from "./cluster-safety";
import { loadMigrations } from "./migrate";
import { newClusterState, renderMigration } from "./render";
import { sqlLiterals } from "./sql-literals";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLUSTER = "plumbline";

function render(cluster: string | undefined) {
  const state = newClusterState();
  const statements: RenderedStatement[] = loadMigrations().flatMap((m) =>
    renderMigration(m.text, cluster, state).map((sql) => ({ file: m.file, sql })),
  );
  return { statements, state };
}

const cluster = render(CLUSTER);
const single = render(undefined);
// Every table ever sharded, dropped ones too: SQL that still names one must be safe as well.
const SHARDED = new Set(cluster.statements.flatMap(({ sql }) => /^CREATE TABLE IF NOT EXISTS (\w+) ON CLUSTER .* AS \w+_local\s+ENGINE = Distributed/.exec(sql)?.[1] ?? []));

describe("cluster safety of the application's SQL", () => {
  it("finds the application's SQL over the sharded tables", () => {
    // The scanner sees the queries it must judge: if it found none, the rule below would pass vacuously.
    const literals = sqlLiterals(ROOT, ["metrics", "server", "ingest"]);
    const files = new Set(literals.map((l) => l.file));
    for (const f of ["metrics/run-set.ts", "metrics/ingest-completeness.ts", "metrics/open-exception.ts"]) expect(files, f).toContain(f);
    expect(SHARDED).toContain("runs");
    expect(SHARDED).toContain("steps");
    expect(SHARDED.has("workflows")).toBe(false);
  });

  it("puts GLOBAL on every IN subquery and JOIN that reads a sharded table", () => {
    const findings = sqlLiterals(ROOT, ["metrics", "server", "ingest"]).flatMap((l) => checkQuery(l.sql, SHARDED, `${l.file}:${l.line}`));
    const unique = [...new Set(findings.map((f) => f.message))];
    expect(unique, unique.join("\n\n")).toEqual([]);
  });
});

describe("the query rule", () => {
  const sharded = new Set(["runs", "steps"]);

  it("flags the ingest-completeness query as it was before issue 28", () => {
    const before = `SELECT uniqExact(run_id) AS n FROM steps
       WHERE tenant_id = {tenant:String}
         AND cityHash64(run_id) NOT IN (SELECT cityHash64(run_id) FROM runs WHERE tenant_id = {tenant:String})`;
    const [finding, ...rest] = checkQuery(before, sharded, "metrics/ingest-completeness.ts:73");
    expect(rest).toEqual([]);
    expect(finding?.message).toContain("metrics/ingest-completeness.ts:73");
    expect(finding?.message).toContain("the sharded table runs");
    expect(finding?.message).toContain("GLOBAL NOT IN");
    expect(checkQuery(before.replace("NOT IN", "GLOBAL NOT IN"), sharded, "x")).toEqual([]);
  });

  it("flags a join of a sharded subquery, and accepts it GLOBAL", () => {
    const q = "SELECT * FROM (SELECT run_id FROM runs) AS r LEFT JOIN (SELECT run_id FROM steps) AS s ON s.run_id = r.run_id";
    expect(checkQuery(q, sharded, "q").map((f) => f.rule)).toEqual(["global-subquery"]);
    expect(checkQuery(q.replace("LEFT JOIN", "GLOBAL LEFT JOIN"), sharded, "q")).toEqual([]);
    expect(checkQuery("SELECT * FROM runs AS r INNER JOIN steps AS s ON s.run_id = r.run_id", sharded, "q")).toHaveLength(1);
  });

  it("leaves value lists, bound arrays, ARRAY JOIN and replicated tables alone", () => {
    const q = `SELECT * FROM runs ARRAY JOIN [1, 2] AS x
      WHERE actor IN ('human', 'unknown') AND workflow IN {wfs:Array(String)}
        AND workflow IN (SELECT name FROM workflows) AND run_id NOT IN (SELECT run_id FROM baseline_lock_runs)
      -- a comment naming JOIN steps reads nothing`;
    expect(checkQuery(q, sharded, "q")).toEqual([]);
  });

  it("treats a WITH subquery over a sharded table as sharded", () => {
    const q = "WITH ev AS (SELECT * FROM steps) SELECT * FROM (SELECT * FROM ev) AS c FULL OUTER JOIN (SELECT * FROM ev) AS s ON c.a = s.a";
    expect(checkQuery(q, sharded, "q")[0]?.message).toContain("the WITH subquery ev over a sharded table");
    expect(checkQuery(q.replace("FULL OUTER JOIN", "GLOBAL FULL OUTER JOIN"), sharded, "q")).toEqual([]);
    expect(checkQuery("WITH w AS (SELECT name FROM workflows) SELECT * FROM runs WHERE workflow IN (SELECT name FROM w)", sharded, "q")).toEqual([]);
  });

  it("treats a subquery it cannot see as sharded", () => {
    const q = "SELECT * FROM runs WHERE run_id IN (__unknown_sql__)";
    expect(checkQuery(q, sharded, "q")[0]?.message).toContain("interpolated fragment");
  });
});

describe("cluster schema", () => {
  it("deduplicates retries on every Replicated table with the replicated settings", () => {
    const findings = checkDedup(single.statements, cluster.statements);
    expect(findings.map((f) => f.message), findings.map((f) => f.message).join("\n")).toEqual([]);
    // Checked against the tree's own windows, so the check cannot pass on a tree without any.
    expect(single.statements.filter(({ sql }) => /non_replicated_deduplication_window = 10000/.test(sql)).length).toBeGreaterThan(5);
  });

  it("flags non_replicated_deduplication_window on a Replicated table, as rendered before issue 28", () => {
    const singleSql = [{ file: "0002_x.sql", sql: "CREATE TABLE IF NOT EXISTS runs (a UInt8) ENGINE = ReplacingMergeTree ORDER BY a SETTINGS non_replicated_deduplication_window = 10000" }];
    const before = [
      {
        file: "0002_x.sql",
        sql: "CREATE TABLE IF NOT EXISTS runs_local ON CLUSTER `c` (a UInt8) ENGINE = ReplicatedReplacingMergeTree('/p', '{replica}') ORDER BY a SETTINGS non_replicated_deduplication_window = 10000",
      },
    ];
    const findings = checkDedup(singleSql, before);
    expect(findings.map((f) => f.rule)).toEqual(["replicated-dedup", "replicated-dedup"]);
    expect(findings[0]?.message).toContain("has no effect");
    expect(findings[1]?.message).toContain("replicated_deduplication_window = 10000");
  });

  it("has no materialized view reading a Distributed table, and back-fills each shard's local rows", () => {
    const findings = checkViewsAndBackfills(cluster.statements);
    expect(findings.map((f) => f.message), findings.map((f) => f.message).join("\n")).toEqual([]);
    // The tree has views and a back-fill for the rule to judge.
    expect(cluster.statements.filter(({ sql }) => /^CREATE MATERIALIZED VIEW/.test(sql)).length).toBeGreaterThan(3);
    expect(cluster.statements.filter(({ sql }) => /^INSERT INTO/.test(sql)).map(({ file }) => file)).toContain("0080_create_runs_cycle_daily.sql");
  });

  it("flags a view over a Distributed table and a back-fill through one", () => {
    const front = { file: "1_x.sql", sql: "CREATE TABLE IF NOT EXISTS runs ON CLUSTER `c` AS runs_local\nENGINE = Distributed(`c`, currentDatabase(), runs_local, cityHash64(tenant_id))" };
    const view = { file: "2_x.sql", sql: "CREATE MATERIALIZED VIEW IF NOT EXISTS v ON CLUSTER `c` TO d_local AS SELECT a FROM runs" };
    const fill = { file: "3_x.sql", sql: "INSERT INTO runs (a) SELECT a FROM runs SETTINGS insert_deduplication_token = 'x'" };
    expect(checkViewsAndBackfills([front, view, fill]).map((f) => f.rule)).toEqual(["view-reads-distributed", "backfill-local"]);
  });
});
