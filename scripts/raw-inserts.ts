/**
 * The engine alone, for the raw sides of bench:ingest (spans and metrics): rows already mapped and
 * Native-encoded are grouped into batches and written to files before any clock starts, so that what
 * is timed is only the engine's `INSERT … FROM INFILE`, the statement the embedded adapter sends.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { infileInsertSql } from "@/clickhouse/chdb-client";
import { type Db, payloadParts } from "@/clickhouse/client";
import { type EncodedBatch, gatherEncoded } from "@/ingest/commit";
import { NATIVE_FORMATS } from "@/ingest/native";
import { type RowBatch, TABLE_OF } from "@/ingest/rows";

/** One request as ingest's mapping leaves it. */
export interface MappedRequest {
  encoded: EncodedBatch;
  rows: number;
}

/** A batch: one INSERT statement per table, its file already written. */
export type PreparedBatch = string[];

/** Where the files go: memory when the system has /dev/shm, as the adapter's spool does. */
export function insertFileDir(): string {
  return mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "plumbline-bench-raw-files-"));
}

/** Groups whole requests into batches of about `batchRows` rows and writes each table's payload out. */
export function prepareInserts(mapped: readonly MappedRequest[], batchRows: number, dir: string, tag: string): { batches: PreparedBatch[]; rows: number } {
  const rows = mapped.reduce((n, m) => n + m.rows, 0);
  const perBatch = Math.max(1, Math.round(batchRows / Math.max(1, rows / Math.max(1, mapped.length))));
  const batches: PreparedBatch[] = [];
  for (let i = 0; i < mapped.length; i += perBatch) {
    const payloads = gatherEncoded(mapped.slice(i, i + perBatch).map((m) => m.encoded));
    const statements: string[] = [];
    for (const k of Object.keys(payloads) as (keyof RowBatch)[]) {
      const payload = payloads[k];
      if (!payload) continue;
      const file = path.join(dir, `${tag}-${i}-${k}.native`);
      writeFileSync(file, Buffer.concat(payloadParts(payload).parts));
      statements.push(infileInsertSql(TABLE_OF[k], NATIVE_FORMATS[k], file));
    }
    batches.push(statements);
  }
  return { batches, rows };
}

/** Runs the batches in order; a batch's tables are handed to the engine together, as a commit does. */
export async function runInserts(db: Db, batches: readonly PreparedBatch[]): Promise<void> {
  for (const statements of batches) await Promise.all(statements.map((sql) => db.command(sql)));
}
