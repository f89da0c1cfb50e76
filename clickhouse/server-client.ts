import { Readable } from "node:stream";
import { createClient } from "@clickhouse/client";
import type { z } from "zod";
import {
  type Db,
  type InsertOptions,
  type Params,
  type Payload,
  type RawFormat,
  StoreError,
  CLUSTER_SETTINGS,
  INSERT_SETTINGS,
  assertIdentifier,
  normalizeParams,
  parseRows,
  payloadParts,
  rawColumns,
} from "./client";

export interface ServerOptions {
  url: string;
  username?: string;
  password?: string;
  database?: string;
  requestTimeoutMs?: number;
  /** Cluster name (CLICKHOUSE_CLUSTER): statements then carry CLUSTER_SETTINGS. */
  cluster?: string;
}

/** The server adapter: the same SQL through `@clickhouse/client` against a ClickHouse server. */
export function openServer(options: ServerOptions): Db {
  const client = createClient({
    url: options.url,
    username: options.username ?? "default",
    password: options.password ?? "",
    database: options.database ?? "default",
    request_timeout: options.requestTimeoutMs ?? 30_000,
    clickhouse_settings: { session_timezone: "UTC", ...(options.cluster ? CLUSTER_SETTINGS : {}) },
  });
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError("The store is closed", "CLOSED");
    const p = run();
    pending.add(p);
    try {
      return await p;
    } catch (err) {
      const e = err as { code?: string; message?: string; type?: string };
      const code = e.type ?? (e.code ? `NET_${e.code}` : "CH_ERROR");
      throw new StoreError(`${what}: ${e.message ?? String(err)}`, code, { cause: err });
    } finally {
      pending.delete(p);
    }
  };
  return {
    store: "server",
    async query<S extends z.ZodType>(sql: string, params: Params, row: S) {
      const rows = await wrap("Query failed", async () => {
        const rs = await client.query({ query: sql, query_params: normalizeParams(params), format: "JSONEachRow" });
        return rs.json<unknown>();
      });
      return parseRows(rows, row, sql);
    },
    async *stream(sql: string, params: Params) {
      // exec answers the raw bytes as they arrive; query() would wrap each row in an object.
      const result = await wrap("Query failed", () =>
        client.exec({ query: `${sql}\nFORMAT JSONEachRow`, query_params: normalizeParams(params) }),
      );
      try {
        for await (const chunk of result.stream as AsyncIterable<Buffer>) yield chunk;
      } catch (err) {
        throw new StoreError(`Query failed: ${err instanceof Error ? err.message : String(err)}`, "CH_ERROR", { cause: err });
      }
    },
    async command(sql: string, params: Params = {}) {
      await wrap("Statement failed", () => client.command({ query: sql, query_params: normalizeParams(params) }));
    },
    async insert(table: string, rows: readonly object[], opts: InsertOptions = {}) {
      if (rows.length === 0) return;
      await wrap(`Insert into ${table} failed`, () =>
        client.insert({
          table: assertIdentifier(table),
          values: rows,
          format: "JSONEachRow",
          clickhouse_settings: {
            ...INSERT_SETTINGS,
            ...(opts.dedupToken ? { insert_deduplication_token: opts.dedupToken } : {}),
          },
        }),
      );
    },
    async insertRaw(table: string, payload: Payload, format: RawFormat, opts: InsertOptions = {}) {
      const { parts, bytes } = payloadParts(payload);
      if (bytes === 0) return;
      await wrap(`Insert into ${table} failed`, async () => {
        // exec sends the bytes as they are; insert() would insist on objects for a JSON format.
        const result = await client.exec({
          query: `INSERT INTO ${assertIdentifier(table)}${rawColumns(format)} FORMAT ${format.name}`,
          values: Readable.from(parts),
          clickhouse_settings: {
            ...INSERT_SETTINGS,
            ...(opts.dedupToken ? { insert_deduplication_token: opts.dedupToken } : {}),
          },
        });
        // Drain the (empty) answer so the connection goes back to the pool.
        for await (const _ of result.stream) void _;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      await client.close();
    },
  };
}
