import type { Db, Payload } from "@/clickhouse/client";
import { type RowBatch, TABLE_OF } from "./rows";
import { NATIVE_FORMATS, encodeNative } from "./native";

/** A batch's rows as Native blocks (native.ts), one payload per table (what `commitEncoded` inserts). */
export type EncodedBatch = Partial<Record<keyof RowBatch, Buffer>>;

const TABLE_KEYS = Object.keys(TABLE_OF) as (keyof RowBatch)[];

export function encodeBatch(batch: RowBatch): EncodedBatch {
  const out: EncodedBatch = {};
  for (const k of TABLE_KEYS) {
    const rows = batch[k];
    if (rows && rows.length > 0) out[k] = encodeNative(k, rows);
  }
  return out;
}

/** Per table, what one INSERT carries: a block, or several blocks sent one after another. */
export type EncodedPayloads = Partial<Record<keyof RowBatch, Payload>>;

/**
 * Several encoded batches as one, table by table (a flush merges its requests this way): each
 * table's blocks are listed, not copied into one buffer; the store writes them out in order.
 */
export function gatherEncoded(batches: readonly EncodedBatch[]): EncodedPayloads {
  const out: EncodedPayloads = {};
  for (const k of TABLE_KEYS) {
    const parts: Buffer[] = [];
    for (const b of batches) {
      const block = b[k];
      if (block) parts.push(block);
    }
    if (parts.length > 0) out[k] = parts;
  }
  return out;
}

/**
 * One INSERT per table. With a token, each table's block carries `<token>:<table>` so a retried commit
 * of the same batch is dropped by ClickHouse's insert deduplication, rollups included (DESIGN.md §5).
 * The inserts are handed to the engine together: it runs them one after another without waiting for
 * this thread between them, and after a partial failure a retry re-sends all and the engine drops
 * the ones that landed.
 */
export async function commitEncoded(db: Db, batch: EncodedPayloads, options: { dedupToken?: string } = {}): Promise<void> {
  const inserts: Promise<void>[] = [];
  for (const k of TABLE_KEYS) {
    const payload = batch[k];
    if (!payload) continue;
    const table = TABLE_OF[k];
    inserts.push(db.insertRaw(table, payload, NATIVE_FORMATS[k], options.dedupToken ? { dedupToken: `${options.dedupToken}:${table}` } : {}));
  }
  const results = await Promise.allSettled(inserts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Encodes and commits a batch (demo, imports, benchmarks); the ingest writer encodes on arrival instead. */
export async function commitBatch(db: Db, batch: RowBatch, options: { dedupToken?: string } = {}): Promise<void> {
  await commitEncoded(db, encodeBatch(batch), options);
}
