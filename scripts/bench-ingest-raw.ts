/**
 * The raw side of `npm run bench:ingest`, as its own process: the engine alone inserting the bench's
 * rows. Before the clock, the request bodies are decoded, mapped and Native-encoded exactly as ingest
 * does (`mapRequest`), grouped into batches of the given size, and each batch's table payloads written
 * to files where the embedded adapter writes its own (memory, when the system has /dev/shm). Only the
 * engine's `INSERT … FROM INFILE` of those files is timed, the statement the adapter sends
 * (`infileInsertSql`), so every cost of Plumbline's own (decode, mapping, encoding, the spool file,
 * the writer, the request ledger) shows in the ratio.
 *
 * `node --import tsx scripts/bench-ingest-raw.ts <bodies file> <rows per INSERT>`; prints one JSON
 * line, { rows, rows_per_s, cpu_us_per_row }. The bodies file holds each body as a 4-byte
 * little-endian length and its bytes.
 *
 * A process of its own so the bench can measure raw before and after ingest, each on an empty store
 * with nothing else running: chDB opens one data directory per process, and a store left open in the
 * bench would merge its parts while ingest is timed.
 */
import { readFileSync } from "node:fs";
import { mapRequest } from "@/ingest/otlp/map-request";
import { withScratchStore, runScript } from "./bench-scratch";
import { type MappedRequest, prepareInserts, runInserts } from "./raw-inserts";

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

/** Decode, map and encode `bodies` for `tenant` as ingest does (what ingest does before its writer). */
function mapAll(bodies: Uint8Array[], tenant: string): MappedRequest[] {
  return bodies.map((body) => {
    const out = mapRequest({ channel: "otlp-traces", body, encoding: "protobuf", tenantId: tenant, allowed: [], secret: "bench-secret-0123456789", nowMs: Date.now() });
    if (!out.ok) throw new Error(out.message);
    return { encoded: out.encoded, rows: out.rows };
  });
}

async function main() {
  const [file, batchArg] = process.argv.slice(2);
  const batchRows = Number(batchArg);
  if (!file || !Number.isInteger(batchRows) || batchRows <= 0) throw new Error("usage: bench-ingest-raw.ts <bodies file> <rows per INSERT>");
  const bodies = readBodies(file);
  await withScratchStore("raw", async (db, fileDir) => {
    // Ingest is timed warm (two flushes first); so is this: two batches of another tenant warm the
    // engine before the clock starts.
    const timed = prepareInserts(mapAll(bodies, "bench-raw"), batchRows, fileDir, "timed");
    const warm = prepareInserts(mapAll(bodies, "bench-raw-warm-up"), batchRows, fileDir, "warm");
    await runInserts(db, warm.batches.slice(0, 2));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await runInserts(db, timed.batches);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(JSON.stringify({ rows: timed.rows, rows_per_s: timed.rows / seconds, cpu_us_per_row: (cpu.user + cpu.system) / timed.rows }));
  });
}

runScript(main);
