/**
 * Renders migration SQL for a single node (as written) or for a cluster: `ON CLUSTER`, Replicated*
 * engines, and a Distributed table in front of every sharded table, so one migration tree serves both
 * (STYLE.md: no hand-synced trees). Sharded tables are split by tenant, so a tenant's rows, their
 * duplicates and their rollups always live on one shard and deduplicate and merge there.
 *
 * Markers, as comment lines directly above a statement:
 *   -- cluster: replicated   small control table: a full copy on every node, no Distributed table
 */

export interface ClusterState {
  /** Tables split across shards: physical `<name>_local`, read and written through `<name>`. */
  sharded: Set<string>;
  replicated: Set<string>;
}

export function newClusterState(): ClusterState {
  return { sharded: new Set(), replicated: new Set() };
}

interface Statement {
  markers: string[];
  sql: string;
}

/** Splits a migration file into statements; full-line comments are dropped, markers kept. */
export function splitStatements(text: string): Statement[] {
  const out: Statement[] = [];
  let markers: string[] = [];
  let lines: string[] = [];
  const flush = () => {
    const sql = lines.join("\n").trim();
    if (sql) out.push({ markers, sql });
    markers = [];
    lines = [];
  };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    const marker = /^\s*--\s*cluster:\s*([a-z-]+)\s*$/.exec(line);
    if (marker?.[1]) {
      markers.push(marker[1]);
      continue;
    }
    if (/^\s*--/.test(line)) continue;
    if (line.endsWith(";")) {
      lines.push(line.slice(0, -1));
      flush();
    } else {
      lines.push(line);
    }
  }
  flush();
  return out;
}

const quote = (name: string) => `\`${name.replace(/`/g, "")}\``;

function replicatedEngine(sql: string, zkPath: string): string {
  return sql.replace(/ENGINE\s*=\s*(\w*)MergeTree(\s*\(([^)]*)\))?/, (_m, kind: string, _p, args?: string) => {
    const extra = args && args.trim() ? `, ${args.trim()}` : "";
    return `ENGINE = Replicated${kind}MergeTree('${zkPath}', '{replica}'${extra})`;
  });
}

/**
 * Deduplication of retried inserts on a Replicated table: `non_replicated_deduplication_window`, which
 * the single-node tree sets, does nothing there; the Replicated engine keeps the block hashes in Keeper
 * under `replicated_deduplication_window`, for at most `replicated_deduplication_window_seconds` (3600
 * by default since ClickHouse 25.x; a week as before, so a retry a sender or an import makes later is
 * still recognised).
 */
function replicatedDedup(sql: string): string {
  return sql.replace(
    /\bnon_replicated_deduplication_window\s*=\s*(\d+)/gi,
    (_m, n: string) => `replicated_deduplication_window = ${n}, replicated_deduplication_window_seconds = 604800`,
  );
}

/**
 * A back-fill (`INSERT INTO sharded SELECT … FROM sharded`) runs on every shard, from its local table
 * into its local table (`parallel_distributed_insert_select = 2`: both tables are sharded by tenant on
 * the one cluster), and returns when each shard has written its rows. Through the Distributed table
 * alone the rows would be queued and sent later, after the migration was recorded;
 * `distributed_foreground_insert` keeps even that path synchronous.
 */
function shardLocalInsert(sql: string): string {
  const settings = "parallel_distributed_insert_select = 2, distributed_foreground_insert = 1";
  return /\bSETTINGS\s+[\w\s=',.]+$/i.test(sql) ? `${sql}, ${settings}` : `${sql}\nSETTINGS ${settings}`;
}

function renderOne(stmt: Statement, cluster: string, state: ClusterState): string[] {
  const on = `ON CLUSTER ${quote(cluster)}`;
  const { sql } = stmt;

  const table = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)/i.exec(sql);
  if (table?.[1]) {
    const name = table[1];
    if (stmt.markers.includes("replicated")) {
      state.replicated.add(name);
      const body = sql.replace(table[0], `CREATE TABLE IF NOT EXISTS ${name} ${on}`);
      return [replicatedDedup(replicatedEngine(body, `/clickhouse/tables/all/{database}/${name}`))];
    }
    state.sharded.add(name);
    const local = `${name}_local`;
    const body = sql.replace(table[0], `CREATE TABLE IF NOT EXISTS ${local} ${on}`);
    return [
      replicatedDedup(replicatedEngine(body, `/clickhouse/tables/{shard}/{database}/${local}`)),
      `CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${local}\n` +
        `ENGINE = Distributed(${quote(cluster)}, currentDatabase(), ${local}, cityHash64(tenant_id))`,
    ];
  }

  const view = /^CREATE\s+MATERIALIZED\s+VIEW\s+IF\s+NOT\s+EXISTS\s+(\w+)\s+TO\s+(\w+)/i.exec(sql);
  if (view?.[1] && view[2]) {
    const target = state.sharded.has(view[2]) ? `${view[2]}_local` : view[2];
    const head = `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view[1]} ${on} TO ${target}`;
    // A view on a sharded table reads the shard's local part, so each shard rolls up its own rows.
    return [head + localSources(sql.slice(view[0].length), state)];
  }

  const alter = /^ALTER\s+TABLE\s+(\w+)\s+/i.exec(sql);
  if (alter?.[1]) {
    const name = alter[1];
    // Every MergeTree on a cluster is Replicated: its settings are the replicated ones.
    let rest = replicatedDedup(sql.slice(alter[0].length));
    // A view's new query reads the shard's local part, as its CREATE did.
    if (/^\s*MODIFY\s+QUERY\b/i.test(rest)) rest = localSources(rest, state);
    if (state.sharded.has(name)) {
      const out = [`ALTER TABLE ${name}_local ${on} ${rest}`];
      // Column changes must reach the Distributed table too; TTL, settings and storage codecs
      // (`MODIFY COLUMN c CODEC(...)`, comma-separated for several) live on the local one.
      const codecOnly = /^\s*MODIFY\s+COLUMN\s+\w+\s+CODEC\(/i.test(rest);
      if (!codecOnly && /^\s*(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN/i.test(rest)) out.push(`ALTER TABLE ${name} ${on} ${rest}`);
      return out;
    }
    return [`ALTER TABLE ${name} ${on} ${rest}`];
  }

  // A sharded table is two: the Distributed table in front and the shard's local part behind it.
  // SYNC, for a table made anew under the same name: its replica's path is freed before the CREATE.
  const drop = /^DROP\s+TABLE\s+IF\s+EXISTS\s+(\w+)(\s+SYNC)?$/i.exec(sql);
  if (drop?.[1] && state.sharded.has(drop[1])) {
    state.sharded.delete(drop[1]);
    const sync = drop[2] ? " SYNC" : "";
    return [`DROP TABLE IF EXISTS ${drop[1]} ${on}${sync}`, `DROP TABLE IF EXISTS ${drop[1]}_local ${on}${sync}`];
  }

  const insert = /^INSERT\s+INTO\s+(\w+)/i.exec(sql);
  if (insert?.[1] && state.sharded.has(insert[1])) return [shardLocalInsert(sql)];

  const other = /^(CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|FUNCTION|DICTIONARY)\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+|DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?\w+)/i.exec(sql);
  if (other?.[1]) return [sql.replace(other[1], `${other[1]} ${on}`)];
  return [sql];
}

/** A view's query with each sharded source table replaced by the shard's local part. */
function localSources(query: string, state: ClusterState): string {
  return query.replace(/\b(FROM|JOIN)\s+(\w+)/gi, (m, kw: string, src: string) => (state.sharded.has(src) ? `${kw} ${src}_local` : m));
}

/** Renders one migration file's statements; `cluster` undefined means a single node. */
export function renderMigration(text: string, cluster: string | undefined, state: ClusterState): string[] {
  const statements = splitStatements(text);
  if (!cluster) return statements.map((s) => s.sql);
  return statements.flatMap((s) => renderOne(s, cluster, state));
}
