import { mkdirSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import {
  type Db,
  type InsertOptions,
  type Params,
  StoreError,
  INSERT_SETTINGS,
  assertIdentifier,
  normalizeParams,
  parseRows,
  toJsonEachRow,
} from "./client";

import type * as Chdb from "chdb";

type ChdbModule = typeof Chdb;
type Session = Chdb.Session;

export interface EmbeddedOptions {
  dataDir: string;
  /** Extra `clickhouse local` arguments, e.g. `--backups.allowed_path=...`. */
  extraArgs?: readonly string[];
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The embedded adapter: the real ClickHouse engine in-process through chDB.
 * The engine allows one data directory per process, so `openEmbedded` is called once (see store.ts).
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Db> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const chdb: ChdbModule = await import("chdb");
  let session: Session;
  try {
    session = new chdb.Session(dataDir, {
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
    // The directory lock is taken lazily by some builds: touch the engine now so a clash surfaces here.
    await session.queryAsync("SELECT 1");
  } catch (err) {
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

  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const track = <T>(p: Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreError("The store is closed", "CLOSED"));
    pending.add(p);
    const done = () => pending.delete(p);
    p.then(done, done);
    return p;
  };
  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await track(run());
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const e = err as { clickhouseCode?: number; code?: string };
      throw new StoreError(`${what}: ${describe(err)}`, e.code ?? `CH_${e.clickhouseCode ?? "ERROR"}`, { cause: err });
    }
  };

  const insertJsonLines = async (table: string, payload: Buffer, options: InsertOptions = {}): Promise<void> => {
    if (payload.length === 0) return;
    const settings: Record<string, string | number> = { ...INSERT_SETTINGS };
    if (options.dedupToken) settings.insert_deduplication_token = options.dedupToken;
    await wrap(`Insert into ${table} failed`, () =>
      session.insert({ table: assertIdentifier(table), values: payload, format: "JSONEachRow", settings }),
    );
  };

  return {
    store: "embedded",
    async query<S extends z.ZodType>(sql: string, params: Params, row: S) {
      const result = await wrap("Query failed", () =>
        session.queryBindAsync(sql, normalizeParams(params), { format: "JSONEachRow" }),
      );
      const text = result.text();
      const rows: unknown[] = [];
      for (const line of text.split("\n")) if (line) rows.push(JSON.parse(line));
      return parseRows(rows, row, sql);
    },
    async command(sql: string, params: Params = {}) {
      await wrap("Statement failed", () =>
        Object.keys(params).length
          ? session.queryBindAsync(sql, normalizeParams(params))
          : session.queryAsync(sql),
      );
    },
    async insert(table: string, rows: readonly object[], options: InsertOptions = {}) {
      if (rows.length === 0) return;
      await insertJsonLines(table, Buffer.from(toJsonEachRow(rows)), options);
    },
    insertJsonLines,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      session.close();
      await chdb.drainPending();
    },
  };
}
