/**
 * `npm run bench:ingest`: OTLP ingest throughput against the raw ClickHouse insert rate.
 *
 * 1. A fresh embedded store in a temp dir; a tenant and an ingest key made with the CLI.
 * 2. The real ingest process (`npm run ingest`, embedded) on a free port.
 * 3. Concurrent senders (20 by default, see SENDERS) POST real OTLP protobuf requests of 512 spans each
 *    (retrying 503s after Retry-After, as exporters do): first two flushes' worth untimed (warm-up, as
 *    the raw side warms with two batches), then REQUESTS timed; latency per request, peak RSS and CPU
 *    time of the ingest process.
 * 4. After it stops: stored rows counted against acknowledged spans.
 * Raw: the engine alone. The same request bodies, decoded, mapped, Native-encoded and written to files
 * outside the clock, then only the engine's INSERT of those files timed, at the batch size the writer
 * reaches with this many senders, by scripts/bench-ingest-raw.ts on an empty store, once before ingest and once after; the ratio is against their mean, so a machine that
 * speeds up or slows down during the run moves both sides alike.
 * The last line printed is one JSON object with the figures. `-- --metrics` measures OTLP metrics
 * (business figures) instead: scripts/bench-ingest-metrics.ts.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { closeStore, getStore } from "@/clickhouse/store";
import { SPANS_PER_REQUEST, requestBody } from "./bench-ingest-bodies";

// 600 requests (307,200 spans): long enough that both timed phases last several seconds.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
// Two OpenTelemetry Collectors (an HA pair) in front of Plumbline, each with the exporter helper's
// default sending queue of 10 consumers: 20 requests in flight. BENCH_SENDERS=8 shows a quieter feed.
const SENDERS = Number(process.env.BENCH_SENDERS ?? 20);
const BATCH_ROWS = Number(process.env.PLUMBLINE_INGEST_BATCH_ROWS ?? 10_000);
const root = path.resolve(import.meta.dirname, "..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-ingest-"));
const env = { ...process.env, PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_SECRET: "bench-secret-0123456789", PLUMBLINE_DEMO: "0" };
const bodiesFile = `${dataDir}-bodies.bin`;
const log = (line: string) => console.log(`[bench] ${line}`);
const rawResult = z.object({ rows: z.number(), rows_per_s: z.number(), cpu_us_per_row: z.number() });

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, "bin/plumbline.mjs"), ...args], { env, cwd: root, encoding: "utf8" });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  log(`store: ${dataDir}`);
  cli("migrate");
  cli("tenants", "create", "bench");
  const key = z.object({ secret: z.string() }).parse(JSON.parse(cli("keys", "create", "--tenant", "bench", "--name", "bench", "--json")));
  const tenantId = z
    .array(z.object({ tenant_id: z.string(), slug: z.string() }))
    .parse(JSON.parse(cli("tenants", "list", "--json")))
    .find((t) => t.slug === "bench")?.tenant_id;
  if (!tenantId) throw new Error("bench tenant missing");

  // The writer flushes at BATCH_ROWS rows or once the senders it answered are all back: with fewer
  // senders than that takes, a flush holds one request of each.
  const flushRows = Math.min(SENDERS, Math.ceil(BATCH_ROWS / SPANS_PER_REQUEST)) * SPANS_PER_REQUEST;
  // Warm-up: two flushes of requests before the clock starts, as the raw side inserts two batches
  // first. With 4 requests, one at a time, the ingest process was still compiling its mapping code
  // (V8's helper threads, in three isolates) through the first second of the timed phase.
  const warmUp = 2 * (flushRows / SPANS_PER_REQUEST);
  const bodies = Array.from({ length: warmUp + REQUESTS }, (_, n) => requestBody(n));
  // The raw side inserts the timed requests' rows.
  const timedBodies = bodies.slice(warmUp);
  writeFileSync(bodiesFile, Buffer.concat(timedBodies.flatMap((b) => [Buffer.from(new Uint32Array([b.length]).buffer), b])));
  const rawRun = () =>
    rawResult.parse(
      JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/bench-ingest-raw.ts"), bodiesFile, String(flushRows)], { cwd: root, encoding: "utf8" })
          .trim()
          .split("\n")
          .at(-1) ?? "",
      ),
    );
  const before = rawRun();
  log(`raw insert before ingest: ${Math.round(before.rows_per_s)} rows/s at ${flushRows} rows per INSERT`);
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROF] : []), "--import", "tsx", path.join(root, "ingest/server.ts")], {
    env: { ...env, PLUMBLINE_OTLP_PORT: String(port), HOST: "127.0.0.1" },
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("OTLP/HTTP on") && resolve());
    child.once("exit", (code) => reject(new Error(`ingest process exited with ${code}`)));
  });
  // Each sender keeps its connection open, as an exporter does, and posts with node:http. The senders
  // share the two cores with the ingest process: with fetch they took 6–9 µs of CPU a span, with
  // node:http 1–2, and ingest went from 16.0–18.4k to 19.4–21.5k spans/s (3 rounds in turns).
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const post = (body: Uint8Array) =>
    new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/v1/traces",
          method: "POST",
          agent,
          headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key.secret}`, "content-length": body.length },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 1) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const send = async (body: Uint8Array): Promise<{ ms: number; retries: number }> => {
    const t0 = performance.now();
    for (let retries = 0; ; retries++) {
      const res = await post(body);
      if (res.status === 200) return { ms: performance.now() - t0, retries };
      if (res.status !== 503 && res.status !== 429) throw new Error(`unexpected status ${res.status}`);
      await new Promise((r) => setTimeout(r, res.retryAfter * 1000));
    }
  };
  // SENDERS senders, each posting the next body once its last one was answered.
  const sendAll = async (list: Uint8Array[], done: (r: { ms: number; retries: number }) => void) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < list.length) {
          const body = list[next++];
          if (!body) break;
          done(await send(body));
        }
      }),
    );
  };
  let warmUpRetries = 0;
  await sendAll(bodies.slice(0, warmUp), (r) => (warmUpRetries += r.retries));

  const latencies: number[] = [];
  let retries = 0;
  const cpuSeconds = (pid: number) => {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const cpu0 = cpuSeconds(child.pid ?? 0);
  const senderCpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sendAll(timedBodies, (r) => {
    latencies.push(r.ms);
    retries += r.retries;
  });
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const ingestCpu = cpuSeconds(child.pid ?? 0) - cpu0;
  const senderCpuUs = process.cpuUsage(senderCpu0);
  const senderCpu = (senderCpuUs.user + senderCpuUs.system) / 1e6;
  const peakRss = peakRssMb(child.pid ?? 0);
  const acknowledged = bodies.length * SPANS_PER_REQUEST;
  const timedSpans = timedBodies.length * SPANS_PER_REQUEST;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));

  const db = await getStore({ kind: "embedded", dataDir });
  const count = z.object({ n: z.coerce.number() });
  const rowsIn = async (table: string, tenant: string) => (await db.query(`SELECT count() AS n FROM ${table} WHERE tenant_id = {t:String}`, { t: tenant }, count))[0]?.n ?? 0;
  const stored = (await rowsIn("runs", tenantId)) + (await rowsIn("steps", tenantId));

  // Check the batch size the raw side used against the one ingest reached: each flush writes its
  // ledger rows in one insert, so they share a committed_at.
  const perFlush = (
    await db.query(
      `SELECT count() AS n FROM ingest_requests WHERE tenant_id = {t:String} GROUP BY committed_at ORDER BY n`,
      { t: tenantId },
      count,
    )
  ).map((r) => r.n);
  const medianFlush = (perFlush[Math.floor(perFlush.length / 2)] ?? 0) * SPANS_PER_REQUEST;
  await closeStore();
  const after = rawRun();
  log(`raw insert after ingest: ${Math.round(after.rows_per_s)} rows/s`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bodiesFile, { force: true });
  if (medianFlush !== flushRows) log(`note: ingest's median flush held ${medianFlush} spans, the raw side inserted ${flushRows} a batch`);
  const rawRate = (before.rows_per_s + after.rows_per_s) / 2;

  latencies.sort((a, b) => a - b);
  const result = {
    spans_per_s: Math.round(timedSpans / seconds),
    raw_rows_per_s: Math.round(rawRate),
    ratio: Number((timedSpans / seconds / rawRate).toFixed(2)),
    peak_rss_mb: Math.round(peakRss),
    p50_ms: Math.round(percentile(latencies, 0.5)),
    p99_ms: Math.round(percentile(latencies, 0.99)),
    acknowledged,
    stored,
    retries_503: retries,
    warm_up_retries_503: warmUpRetries,
    requests: REQUESTS,
    warm_up_requests: warmUp,
    spans_per_request: SPANS_PER_REQUEST,
    senders: SENDERS,
    batch_rows: flushRows,
    median_flush_spans: medianFlush,
    raw_rows_per_s_before: Math.round(before.rows_per_s),
    raw_rows_per_s_after: Math.round(after.rows_per_s),
    ingest_cpu_us_per_span: Math.round((ingestCpu / timedSpans) * 1e6),
    sender_cpu_us_per_span: Math.round((senderCpu / timedSpans) * 1e6),
    raw_cpu_us_per_row: Math.round((before.cpu_us_per_row + after.cpu_us_per_row) / 2),
  };
  log(`ingest: ${result.spans_per_s} spans/s over ${seconds.toFixed(1)} s (${SENDERS} senders, ${retries} retries after 503)`);
  log(`raw insert: ${result.raw_rows_per_s} rows/s at ${flushRows} rows per INSERT, mean of before and after (${result.raw_cpu_us_per_row} µs CPU a row); ratio ${result.ratio}`);
  log(`CPU per span: ingest process ${result.ingest_cpu_us_per_span} µs (${(ingestCpu / seconds).toFixed(2)} of 2 cores busy), senders ${result.sender_cpu_us_per_span} µs`);
  log(`latency p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms; ingest process peak RSS ${result.peak_rss_mb} MB`);
  log(`stored ${stored} of ${acknowledged} acknowledged spans: ${stored === acknowledged ? "ok" : "MISMATCH"}`);
  console.log(JSON.stringify(result));
  if (stored !== acknowledged) process.exitCode = 1;
}

// `-- --metrics`: business figures through POST /v1/metrics instead (scripts/bench-ingest-metrics.ts).
const run = process.argv.includes("--metrics") ? () => (rmSync(dataDir, { recursive: true, force: true }), import("./bench-ingest-metrics").then((m) => m.benchIngestMetrics())) : main;
run().catch((err: unknown) => {
  console.error(err);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bodiesFile, { force: true });
  process.exit(1);
});
