import { UNKNOWN } from "./sql-literals";

/**
 * Static rules a cluster needs (issue 28), checked over the rendered cluster schema (render.ts) and
 * over the SQL the application runs. Each finding says where, what and how to fix it.
 *
 * Queries. A sharded table is read through its Distributed front. When a query over a sharded table
 * has a plain `IN (subquery)` or `JOIN` whose right side reads a sharded table too, every shard would
 * run that subquery over the Distributed table again: ClickHouse refuses it under the default
 * `distributed_product_mode = 'deny'` ("Double-distributed IN/JOIN subqueries is denied"). The rule:
 * such a subquery or join is `GLOBAL` (GLOBAL IN, GLOBAL NOT IN, GLOBAL … JOIN): the initiator runs it
 * once over all shards and sends its result to each. On one node GLOBAL is an ordinary IN or JOIN, so
 * the same SQL serves both. A subquery that reads only replicated tables (a full copy on every node)
 * needs nothing. A right side the scanner cannot see (a fragment passed in as a parameter) counts as
 * sharded: it must be GLOBAL or be written where the scanner can see it. The checker does not decide
 * whether the outer query is distributed (a FROM subquery, a WITH or predicate push-down hide it), so
 * it asks for GLOBAL wherever the right side reads a sharded table; over a replicated outer table
 * GLOBAL changes nothing.
 */

export interface Finding {
  rule: "global-subquery" | "replicated-dedup" | "view-reads-distributed" | "backfill-local";
  where: string;
  message: string;
}

/** The first characters of `text` from `at`, on one line, for a message. */
function excerpt(text: string, at: number, length = 90): string {
  return text.slice(at, at + length).replace(/\s+/g, " ").trim();
}

/** The text inside the parenthesis that opens at `open` (exclusive), or the rest if it never closes. */
function parenthesized(sql: string, open: number): string {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === "(") depth++;
    else if (sql[i] === ")" && --depth === 0) return sql.slice(open + 1, i);
  }
  return sql.slice(open + 1);
}

/** Sharded tables a piece of SQL reads (`FROM t`, `JOIN t`, `IN t`), or UNKNOWN when it cannot tell. */
function shardedReads(sql: string, sharded: ReadonlySet<string>): string[] {
  const names = [...sql.matchAll(/\b(?:FROM|JOIN|IN)\s+`?(\w+)`?/gi)].map((m) => m[1] ?? "");
  const found = names.filter((n) => sharded.has(n));
  // Only where a table or subquery goes: an unknown column or predicate fragment is checked in its own file.
  if (sql.trim() === UNKNOWN || new RegExp(`\\b(?:FROM|JOIN|IN)\\s*\\(?\\s*${UNKNOWN}`, "i").test(sql)) found.push(UNKNOWN);
  return [...new Set(found)];
}

/** Drops `-- …` comments, which may mention tables and keywords without reading them. */
const stripComments = (sql: string) => sql.replace(/--[^\n]*/g, "");

const FIX_IN = "write GLOBAL IN / GLOBAL NOT IN (on one node it is a plain IN)";
const FIX_JOIN = "write GLOBAL before the join (GLOBAL LEFT JOIN …; on one node it is a plain JOIN)";

function describe(tables: string[], base: ReadonlySet<string>): string {
  const known = tables.filter((t) => t !== UNKNOWN && base.has(t));
  const ctes = tables.filter((t) => t !== UNKNOWN && !base.has(t));
  const parts = known.length > 0 ? [`the sharded table${known.length > 1 ? "s" : ""} ${known.join(", ")}`] : [];
  if (ctes.length > 0) parts.push(`the WITH subquer${ctes.length > 1 ? "ies" : "y"} ${ctes.join(", ")} over a sharded table`);
  if (tables.includes(UNKNOWN)) parts.push("an interpolated fragment the checker cannot see");
  return parts.join(" and ");
}

/** The sharded tables plus the query's own `WITH name AS (…)` subqueries that read one (ClickHouse inlines them). */
function withShardedCtes(sql: string, sharded: ReadonlySet<string>): ReadonlySet<string> {
  const out = new Set(sharded);
  for (const m of sql.matchAll(/\b(?:WITH|,)\s*(\w+)\s+AS\s*\(/gi)) {
    if (m[1] && m.index !== undefined && shardedReads(parenthesized(sql, m.index + m[0].length - 1), out).length > 0) out.add(m[1]);
  }
  return out;
}

/** IN/NOT IN subqueries and JOINs in one SQL text whose right side reads a sharded table without GLOBAL. */
export function checkQuery(sqlText: string, shardedTables: ReadonlySet<string>, where: string): Finding[] {
  const sql = stripComments(sqlText);
  const sharded = withShardedCtes(sql, shardedTables);
  const out: Finding[] = [];
  for (const m of sql.matchAll(/\b(GLOBAL\s+)?(?:NOT\s+)?IN\s*(\(|`?\w+`?)/gi)) {
    if (m[1] || m.index === undefined) continue;
    const right = m[2] === "(" ? parenthesized(sql, m.index + m[0].length - 1) : (m[2] ?? "");
    // A list of values (`IN ('a', 'b')`) or a bound array (`IN {wfs:Array(String)}`) is not a subquery.
    const subquery = m[2] !== "(" ? sharded.has(right.replace(/`/g, "")) : /^\s*(\(\s*)*(SELECT|WITH)\b/i.test(right) || right.trim() === UNKNOWN;
    if (!subquery) continue;
    const tables = m[2] === "(" ? shardedReads(right, sharded) : [right.replace(/`/g, "")];
    if (tables.length === 0) continue;
    out.push({
      rule: "global-subquery",
      where,
      message: `${where}: "${excerpt(sql, Math.max(0, m.index - 24))}" reads ${describe(tables, shardedTables)} in an IN subquery without GLOBAL; on a cluster ClickHouse refuses it (distributed_product_mode = 'deny'). Fix: ${FIX_IN}.`,
    });
  }
  const JOIN = /\b(GLOBAL\s+)?((?:(?:ANY|ALL|ASOF|SEMI|ANTI|INNER|LEFT|RIGHT|FULL|CROSS|OUTER|PASTE)\s+)*)JOIN\s*(\(|`?\w+`?)/gi;
  for (const m of sql.matchAll(JOIN)) {
    if (m[1] || m.index === undefined) continue;
    if (/\bARRAY\s+$/i.test(sql.slice(Math.max(0, m.index - 12), m.index + (m[2]?.length ?? 0)))) continue;
    const right = m[3] === "(" ? parenthesized(sql, m.index + m[0].length - 1) : (m[3] ?? "").replace(/`/g, "");
    const tables = m[3] === "(" ? shardedReads(right, sharded) : sharded.has(right) || right === UNKNOWN ? [right] : [];
    if (tables.length === 0) continue;
    out.push({
      rule: "global-subquery",
      where,
      message: `${where}: "${excerpt(sql, Math.max(0, m.index - 24))}" joins ${describe(tables, shardedTables)} without GLOBAL; on a cluster ClickHouse refuses it (distributed_product_mode = 'deny'). Fix: ${FIX_JOIN}.`,
    });
  }
  return out;
}

/** A rendered migration statement with the file it came from. */
export interface RenderedStatement {
  file: string;
  sql: string;
}

const DEDUP = /\b(non_replicated_deduplication_window|replicated_deduplication_window)\s*=\s*(\d+)/gi;

/** The table a CREATE TABLE or ALTER TABLE names, without the `_local` suffix of a shard's part. */
function tableOf(sql: string): string | undefined {
  const m = /^(?:CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS|ALTER\s+TABLE)\s+`?(\w+)`?/i.exec(sql);
  return m?.[1]?.replace(/_local$/, "");
}

function dedupWindows(statements: readonly RenderedStatement[], setting: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { file, sql } of statements) {
    for (const m of sql.matchAll(DEDUP)) {
      if (m[1]?.toLowerCase() === setting) out.set(`${file}: ${tableOf(sql) ?? "?"}`, m[2] ?? "");
    }
  }
  return out;
}

/**
 * Replicated tables deduplicate retried blocks through Keeper with `replicated_deduplication_window`;
 * `non_replicated_deduplication_window` does nothing there. So every window the single-node tree sets
 * must reach the cluster's Replicated table as `replicated_deduplication_window` with the same count,
 * together with `replicated_deduplication_window_seconds` (its default is 3600 s since ClickHouse
 * 25.x, shorter than the spool may hold a retry), and no cluster statement may set the non-replicated one.
 */
export function checkDedup(single: readonly RenderedStatement[], cluster: readonly RenderedStatement[]): Finding[] {
  const out: Finding[] = [];
  for (const { file, sql } of cluster) {
    if (/\bnon_replicated_deduplication_window\b/i.test(sql)) {
      out.push({
        rule: "replicated-dedup",
        where: file,
        message: `${file}: "${excerpt(sql, 0, 70)}" sets non_replicated_deduplication_window on a Replicated table, where it has no effect: a retried insert is deduplicated by replicated_deduplication_window. Fix: render it as replicated_deduplication_window (clickhouse/render.ts).`,
      });
    }
  }
  const wanted = dedupWindows(single, "non_replicated_deduplication_window");
  const got = dedupWindows(cluster, "replicated_deduplication_window");
  for (const [where, n] of wanted) {
    const seconds = cluster.some(({ sql }) => `${where.split(": ")[0]}: ${tableOf(sql)}` === where && /\breplicated_deduplication_window_seconds\s*=/i.test(sql));
    if (got.get(where) !== n || !seconds) {
      out.push({
        rule: "replicated-dedup",
        where,
        message: `${where}: the single-node table keeps ${n} block hashes for retries (non_replicated_deduplication_window); its Replicated table on a cluster must set replicated_deduplication_window = ${n} and replicated_deduplication_window_seconds, or a retried insert can be stored twice. Fix: clickhouse/render.ts.`,
      });
    }
  }
  return out;
}

/**
 * A materialized view fires on the node where a block is inserted; one reading a Distributed table
 * would see nothing (blocks land in the shard's local table) or everything twice. Views read the
 * shard's local table. Also: a migration's INSERT … SELECT into a Distributed table must run on every
 * shard into its local table, and return only when written (`parallel_distributed_insert_select = 2`,
 * `distributed_foreground_insert = 1`), or the migration is recorded before its rows reach the shards.
 */
export function checkViewsAndBackfills(cluster: readonly RenderedStatement[]): Finding[] {
  const distributed = new Set<string>();
  const out: Finding[] = [];
  for (const { file, sql } of cluster) {
    const front = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+`?(\w+)`?[\s\S]*\bENGINE\s*=\s*Distributed\(/i.exec(sql);
    if (front?.[1]) distributed.add(front[1]);
    const drop = /^DROP\s+TABLE\s+IF\s+EXISTS\s+`?(\w+)`?/i.exec(sql);
    if (drop?.[1]) distributed.delete(drop[1]);
    const view = /^(?:CREATE\s+MATERIALIZED\s+VIEW\b[\s\S]*?\bAS\b|ALTER\s+TABLE\s+\w+[\s\S]*?\bMODIFY\s+QUERY\b)([\s\S]*)$/i.exec(sql);
    if (view?.[1]) {
      for (const t of shardedReads(view[1], distributed).filter((x) => x !== UNKNOWN)) {
        out.push({
          rule: "view-reads-distributed",
          where: file,
          message: `${file}: "${excerpt(sql, 0, 70)}" reads the Distributed table ${t}; a view must read the shard's ${t}_local. Fix: clickhouse/render.ts (localSources).`,
        });
      }
    }
    const insert = /^INSERT\s+INTO\s+`?(\w+)`?/i.exec(sql);
    if (insert?.[1] && distributed.has(insert[1])) {
      const local = /\bparallel_distributed_insert_select\s*=\s*2\b/i.test(sql) && /\bdistributed_foreground_insert\s*=\s*1\b/i.test(sql);
      if (!local) {
        out.push({
          rule: "backfill-local",
          where: file,
          message: `${file}: "${excerpt(sql, 0, 70)}" writes through the Distributed table ${insert[1]}: the rows reach the shards later, after the migration is recorded. Fix: SETTINGS parallel_distributed_insert_select = 2, distributed_foreground_insert = 1 (clickhouse/render.ts), so each shard inserts its own rows into its local table before the statement returns.`,
        });
      }
    }
  }
  return out;
}
