import type { Db } from "@/clickhouse/client";
import { type RowBatch, TABLE_OF } from "./rows";

/**
 * Commits a batch: one INSERT per table. With a token, each table's block carries
 * `<token>:<table>` so a retried commit of the same batch is dropped by ClickHouse's insert
 * deduplication, rollups included (DESIGN.md §5).
 */
export async function commitBatch(db: Db, batch: RowBatch, options: { dedupToken?: string } = {}): Promise<void> {
  for (const key of Object.keys(TABLE_OF) as (keyof RowBatch)[]) {
    const rows = batch[key];
    if (!rows || rows.length === 0) continue;
    const table = TABLE_OF[key];
    await db.insert(table, rows, options.dedupToken ? { dedupToken: `${options.dedupToken}:${table}` } : {});
  }
}
