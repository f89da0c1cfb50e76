import type { z } from "zod";

/** Values bound to typed placeholders such as `{tenant:String}`; never interpolated into SQL text. */
export type Params = Record<string, string | number | boolean | bigint | Date | null | readonly (string | number)[]>;

export interface InsertOptions {
  /**
   * Identifies this block for ClickHouse's insert deduplication: a retried insert with the same
   * token is dropped by the engine (DESIGN.md §5: retries must not double count).
   */
  dedupToken?: string;
}

export type StoreKind = "embedded" | "server";

/**
 * How a pre-serialized payload is laid out: JSON lines keyed by column name (`toJsonEachRow`),
 * TabSeparated lines whose fields follow `columns`, or Native blocks (ingest/native.ts, what the
 * collectors commit) carrying `columns`.
 */
export type RawFormat = { name: "JSONEachRow" } | { name: "TabSeparated" | "Native"; columns: readonly string[] };

/** A pre-serialized payload: one buffer, or parts that read as their concatenation. */
export type Payload = Buffer | readonly Buffer[];

/** The parts of a payload, and their total size. */
export function payloadParts(payload: Payload): { parts: readonly Buffer[]; bytes: number } {
  const parts = Buffer.isBuffer(payload) ? [payload] : payload;
  let bytes = 0;
  for (const p of parts) bytes += p.length;
  return { parts, bytes };
}

/** The one interface every part of Plumbline uses to reach ClickHouse. Both adapters take the same SQL. */
export interface Db {
  readonly store: StoreKind;
  /** Runs a SELECT; every row is parsed by `row` (ClickHouse returns 64-bit integers as strings). */
  query<S extends z.ZodType>(sql: string, params: Params, row: S): Promise<z.output<S>[]>;
  /**
   * Runs a SELECT and yields its result as JSONEachRow bytes while the engine produces it, so a result
   * larger than memory can be written out (tenant export) without being held. A chunk may end inside a
   * row; every row ends with "\n". Leaving the loop early cancels the query.
   */
  stream(sql: string, params: Params): AsyncIterable<Uint8Array>;
  /** Runs DDL or a statement without a result. */
  command(sql: string, params?: Params): Promise<void>;
  /** Inserts rows (objects keyed by column name) as one block. */
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>;
  /**
   * Inserts rows already serialized in `format`, as one INSERT. The payload may come in parts, sent
   * one after another as if concatenated: the ingest writer encodes each request when it arrives and
   * hands a flush over as its requests' parts, without copying them into one buffer.
   */
  insertRaw(table: string, payload: Payload, format: RawFormat, options?: InsertOptions): Promise<void>;
  /** Waits for pending work, then releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** Thrown for any store failure; `message` is safe for logs, not for browsers (it may quote SQL). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Formats a Date the way ClickHouse parses DateTime64(3) in UTC: `2024-01-31 23:59:59.123`. */
export function toClickHouseTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new StoreError("Invalid date passed to the store", "BAD_PARAM");
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** Parses a ClickHouse DateTime/DateTime64 string (always UTC here) into a Date. */
export function fromClickHouseTime(s: string): Date {
  const iso = s.includes("T") ? s : s.replace(" ", "T");
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/** Converts bound parameters to what both adapters accept (Dates become UTC strings). */
export function normalizeParams(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = v instanceof Date ? toClickHouseTime(v) : v;
  }
  return out;
}

/**
 * Serializes rows to JSONEachRow in one pass. Dates serialize as ISO 8601 (Date#toJSON) and are read
 * by ClickHouse with `date_time_input_format = best_effort` (INSERT_SETTINGS); an integer in a
 * DateTime64(3) column is epoch milliseconds. No replacer: it would take every row off V8's fast
 * JSON path (measured: 4.6 against 7.3 µs a step row), so a bigint in a row is refused (TypeError).
 */
export function toJsonEachRow(rows: readonly object[]): string {
  const parts: string[] = new Array<string>(rows.length + 1);
  for (let i = 0; i < rows.length; i++) parts[i] = JSON.stringify(rows[i]);
  parts[rows.length] = "";
  return parts.join("\n");
}

/** Settings every insert carries, on both adapters. */
export const INSERT_SETTINGS = {
  // Rows carry Dates as ISO 8601 strings (with `T` and `Z`).
  date_time_input_format: "best_effort",
  // Retried blocks must not reach the rollups twice either (DESIGN.md §5).
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // By default each inserted block is sorted and collapsed (Replacing, Summing, Aggregating) before it
  // is written, as a merge would. Merges do that anyway, every reader already sums or uses FINAL
  // across parts, and a rollup view's block is grouped by its key already. The views are fed the
  // inserted block either way. Off, the insert threads spent ~20% less CPU: 30 flushes of 10,240 spans
  // in 3.0–4.8 s against 3.2–5.7 s, lower in each of 6 pairs taken in turns.
  optimize_on_insert: 0,
} as const;

/**
 * Settings of every statement on a cluster (CLICKHOUSE_CLUSTER set), docs/operations.md "Cluster mode".
 * - `distributed_foreground_insert`: an INSERT into a Distributed table returns once each shard's
 *   replica has written its rows, not when the rows are queued on the node that took them; so "200 =
 *   committed" holds on a cluster too. Not `insert_quorum`: with two replicas a shard its majority is
 *   both, and one replica down would stop all ingest; an operator who wants it sets it in the user's
 *   profile, and the dedup tokens make a retry after a quorum failure safe.
 * - `load_balancing = 'in_order'`: reads and writes prefer a shard's first healthy replica, so a read
 *   right after a write normally sees it (a random replica might not have fetched the part yet). Not
 *   a guarantee: after a failover the two may differ until replication catches up.
 */
export const CLUSTER_SETTINGS = {
  distributed_foreground_insert: 1,
  load_balancing: "in_order",
} as const;

/** The column list of an INSERT for a raw format (empty for JSON lines, which name their columns). */
export function rawColumns(format: RawFormat): string {
  return format.name === "JSONEachRow" ? "" : ` (${format.columns.map(assertIdentifier).join(", ")})`;
}

/** Identifiers (table names) cannot be bound; they must come from code, never from users. */
export function assertIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw new StoreError(`Invalid table name: ${JSON.stringify(name)}`, "BAD_IDENTIFIER");
  }
  return name;
}

/** Parses rows with a schema, naming the query's first line when a row does not match. */
export function parseRows<S extends z.ZodType>(rows: unknown[], schema: S, sql: string): z.output<S>[] {
  return rows.map((r, i) => {
    const parsed = schema.safeParse(r);
    if (!parsed.success) {
      const head = sql.trim().split("\n")[0]?.slice(0, 120) ?? "";
      throw new StoreError(`Row ${i} of "${head}" does not match its schema: ${parsed.error.message}`, "ROW_SCHEMA");
    }
    return parsed.data;
  });
}
