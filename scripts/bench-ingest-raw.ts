/**
 * The raw side of `npm run bench:ingest`, as its own process: the bench's request bodies, decoded and
 * mapped outside the clock, inserted straight into a fresh embedded store at a given batch size.
 * `node --import tsx scripts/bench-ingest-raw.ts <bodies file> <rows per INSERT>`; prints one JSON
 * line, { rows, rows_per_s, cpu_us_per_row }. The bodies file holds each body as a 4-byte
 * little-endian length and its bytes.
 *
 * A process of its own so the bench can measure raw before and after ingest, each on an empty store
 * with nothing else running: chDB opens one data directory per process, and a store left open in the
 * bench would merge its parts while ingest is timed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { commitBatch } from "@/ingest/commit";
import { decodeSpans } from "@/ingest/otlp/decode";
import { tenantHasher } from "@/ingest/otlp/privacy";
import { spansToRows } from "@/ingest/otlp/spans-to-rows";
import type { RowBatch } from "@/ingest/rows";

function readBodies(file: string): Uint8Array[] {
  const buf = readFileSync(file);
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const len = buf.readUInt32LE(pos);
    out.push(buf.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

async function main() {
  const [file, batchArg] = process.argv.slice(2);
  const batchRows = Number(batchArg);
  if (!file || !Number.isInteger(batchRows) || batchRows <= 0) throw new Error("usage: bench-ingest-raw.ts <bodies file> <rows per INSERT>");
  const bodies = readBodies(file);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-raw-"));
  try {
    const db = await getStore({ kind: "embedded", dataDir });
    await migrate(db);
    const rowsOf = (tenant: string, list: Uint8Array[]) => {
      const hash = tenantHasher("bench-secret-0123456789", tenant);
      const runs: NonNullable<RowBatch["runs"]> = [];
      const steps: NonNullable<RowBatch["steps"]> = [];
      for (const b of list) {
        const m = spansToRows(decodeSpans(b, "protobuf"), { tenantId: tenant, hash, allows: () => false, nowMs: Date.now() });
        runs.push(...(m.batch.runs ?? []));
        steps.push(...(m.batch.steps ?? []));
      }
      return { runs, steps };
    };
    const insertAll = async ({ runs, steps }: ReturnType<typeof rowsOf>) => {
      const perBatch = Math.min(1, batchRows / (runs.length + steps.length));
      for (let i = 0; i < Math.ceil(1 / perBatch); i++) {
        const slice = <T>(list: T[]) => list.slice(Math.floor(i * perBatch * list.length), Math.floor((i + 1) * perBatch * list.length));
        await commitBatch(db, { runs: slice(runs), steps: slice(steps) });
      }
    };
    // Ingest is timed warm (4 requests first); so is this: two batches of another tenant compile the
    // encoder and warm the engine before the clock starts.
    const rows = rowsOf("bench-raw", bodies);
    const count = rows.runs.length + rows.steps.length;
    await insertAll(rowsOf("bench-raw-warm-up", bodies.slice(0, Math.ceil((2 * batchRows * bodies.length) / count))));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await insertAll(rows);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await closeStore();
    console.log(JSON.stringify({ rows: count, rows_per_s: count / seconds, cpu_us_per_row: (cpu.user + cpu.system) / count }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
