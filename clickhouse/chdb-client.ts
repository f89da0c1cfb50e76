import { mkdirSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import {
  type Db,
  type InsertOptions,
  type Params,
  type Payload,
  type RawFormat,
  StoreError,
  INSERT_SETTINGS,
  assertIdentifier,
  normalizeParams,
  parseRows,
  payloadParts,
  rawColumns,
  toJsonEachRow,
} from "./client";
import { type InsertSpool, openInsertSpool } from "./insert-spool";

import type * as Chdb from "chdb";

type ChdbModule = typeof Chdb;
type Session = Chdb.Session;

export interface EmbeddedOptions {
  dataDir: string;
  /** Extra `clickhouse local` arguments, e.g. `--backups.allowed_path=...`. */
  extraArgs?: readonly string[];
  /** Connections to the engine (default 3); see `openEmbedded`. */
  connections?: number;
}

/** A quoted SQL string literal (backslash and quote escaped). */
const sqlString = (v: string): string => `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** `k = v, …` for a SETTINGS clause: numbers as they are, strings as quoted literals. */
function settingsClause(settings: Record<string, string | number>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${assertIdentifier(k)} = ${typeof v === "number" ? String(v) : sqlString(v)}`)
    .join(", ");
}

/**
 * The settings of every insert read from a spool file, as a SETTINGS clause built once. A file is split
 * among parsing threads by default; for a flush of a few MB that costs more than it saves. bench:ingest
 * in turns against inline inserts: with it on, 54–76 against 46–68 µs of CPU a span; with it off, 61–72
 * against 69–72.
 */
const FILE_INSERT_SETTINGS = settingsClause({ ...INSERT_SETTINGS, input_format_parallel_parsing: 0 });

/**
 * The statement that has the engine read a spool file; exported so bench:ingest's raw side times the
 * engine running exactly what the adapter sends, with the file written before its clock.
 */
export function infileInsertSql(table: string, format: RawFormat, file: string, dedupToken?: string): string {
  const settings = dedupToken ? `${FILE_INSERT_SETTINGS}, ${settingsClause({ insert_deduplication_token: dedupToken })}` : FILE_INSERT_SETTINGS;
  return `INSERT INTO ${assertIdentifier(table)}${rawColumns(format)} FROM INFILE ${sqlString(file)} SETTINGS ${settings} FORMAT ${format.name}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The embedded adapter: the real ClickHouse engine in-process through chDB.
 * The engine allows one data directory per process, so `openEmbedded` is called once (see store.ts).
 *
 * It holds a few connections to that one engine and gives each call the least busy one. A connection
 * runs its statements one at a time, so with one, a flush's inserts into runs, steps and ingest_stats
 * queued behind each other and a dashboard query behind them all. Measured here: two 1-row inserts
 * (each writing a part) took 18.6 ms one after the other, 23.9 ms sent together on one connection and
 * 12.4 ms on two connections.
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Db> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const chdb: ChdbModule = await import("chdb");
  const connect = () =>
    new chdb.Session(dataDir, {
      connectionArgs: [
        "--session_timezone=UTC",
        // chDB keeps no query log by default; make sure it stays that way (DESIGN.md §5: bounded system logs).
        "--log_queries=0",
        // The engine shares this process's memory, and its server defaults size caches for a dedicated
        // host (a 5 GB mark cache, 5 GB index caches). Bounded caches keep a long-running process flat:
        // they fill while the working set is read, then evict (DESIGN.md §5).
        "--mark_cache_size=134217728",
        "--index_mark_cache_size=33554432",
        "--primary_index_cache_size=67108864",
        "--compiled_expression_cache_size=33554432",
        "--query_condition_cache_size=16777216",
        ...(options.extraArgs ?? []),
      ],
    });
  const sessions: { session: Session; busy: number }[] = [];
  try {
    const first = connect();
    // The directory lock is taken lazily by some builds: touch the engine now so a clash surfaces here.
    await first.queryAsync("SELECT 1");
    sessions.push({ session: first, busy: 0 });
    // Further connections join the engine the first one started (same directory, same process).
    for (let i = 1; i < Math.max(1, Math.min(8, options.connections ?? 3)); i++) sessions.push({ session: connect(), busy: 0 });
  } catch (err) {
    for (const s of sessions) s.session.close();
    const msg = describe(err);
    if (/lock|another server|Failed to create connection/i.test(msg)) {
      throw new StoreError(
        `The data directory ${dataDir} is already in use by another process (a running Plumbline server?). ` +
          `Stop it, or set PLUMBLINE_DATA_DIR to another directory.`,
        "DATA_DIR_LOCKED",
        { cause: err },
      );
    }
    throw new StoreError(`Could not open the embedded ClickHouse store at ${dataDir}: ${msg}`, "OPEN_FAILED", { cause: err });
  }

  // Inserts are read from files (insert-spool.ts); the data directory is the last place they can go.
  const spool: InsertSpool = openInsertSpool(undefined, dataDir);
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const track = <T>(p: Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreError("The store is closed", "CLOSED"));
    pending.add(p);
    const done = () => pending.delete(p);
    p.then(done, done);
    return p;
  };
  const wrap = async <T>(what: string, run: (session: Session) => Promise<T>): Promise<T> => {
    const conn = sessions.reduce((a, b) => (b.busy < a.busy ? b : a));
    conn.busy++;
    try {
      return await track(run(conn.session));
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const e = err as { clickhouseCode?: number; code?: string };
      throw new StoreError(`${what}: ${describe(err)}`, e.code ?? `CH_${e.clickhouseCode ?? "ERROR"}`, { cause: err });
    } finally {
      conn.busy--;
    }
  };

  const insertRaw = async (table: string, payload: Payload, format: RawFormat, options: InsertOptions = {}): Promise<void> => {
    const { parts, bytes } = payloadParts(payload);
    if (bytes === 0) return;
    let file: string;
    try {
      file = spool.write(parts);
    } catch (err) {
      // No root took the file, not even the data directory: the store could not write the part either.
      throw new StoreError(`Insert into ${table} failed: no room for its payload: ${describe(err)}`, "SPOOL_FULL", { cause: err });
    }
    const sql = infileInsertSql(table, format, file, options.dedupToken);
    try {
      await wrap(`Insert into ${table} failed`, (session) => session.queryAsync(sql));
    } finally {
      spool.release(file);
    }
  };

  // Streams each get a connection of their own: a connection holds one stream at a time, and a stream
  // read slowly (a file written behind it) must not hold up the statements of the shared ones.
  const streams = new Set<Session>();
  async function* stream(sql: string, params: Params): AsyncGenerator<Uint8Array> {
    if (closed) throw new StoreError("The store is closed", "CLOSED");
    const session = connect();
    streams.add(session);
    try {
      for await (const chunk of session.queryStreamBind(sql, normalizeParams(params), { format: "JSONEachRow" })) yield chunk.raw();
    } catch (err) {
      const e = err as { clickhouseCode?: number; code?: string };
      throw new StoreError(`Query failed: ${describe(err)}`, e.code ?? `CH_${e.clickhouseCode ?? "ERROR"}`, { cause: err });
    } finally {
      streams.delete(session);
      session.close();
    }
    // close() ends a stream by closing its connection, which the loop above sees as a plain end.
    if (closed) throw new StoreError("The store closed during a streamed query", "CLOSED");
  }

  return {
    store: "embedded",
    stream,
    async query<S extends z.ZodType>(sql: string, params: Params, row: S) {
      const result = await wrap("Query failed", (session) =>
        session.queryBindAsync(sql, normalizeParams(params), { format: "JSONEachRow" }),
      );
      const text = result.text();
      const rows: unknown[] = [];
      for (const line of text.split("\n")) if (line) rows.push(JSON.parse(line));
      return parseRows(rows, row, sql);
    },
    async command(sql: string, params: Params = {}) {
      await wrap("Statement failed", (session) =>
        Object.keys(params).length
          ? session.queryBindAsync(sql, normalizeParams(params))
          : session.queryAsync(sql),
      );
    },
    async insert(table: string, rows: readonly object[], options: InsertOptions = {}) {
      if (rows.length === 0) return;
      await insertRaw(table, Buffer.from(toJsonEachRow(rows)), { name: "JSONEachRow" }, options);
    },
    insertRaw,
    async close() {
      if (closed) return;
      closed = true;
      // A stream's reader may never come back for its next chunk: its connection is closed here (chDB
      // defers that behind a fetch in flight, and drainPending below waits for it).
      for (const s of streams) s.close();
      await Promise.allSettled([...pending]);
      for (const s of sessions) s.session.close();
      await chdb.drainPending();
      spool.dispose();
    },
  };
}
