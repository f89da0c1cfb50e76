/**
 * `npm run bench:soak -- [--minutes 10] [--rate 2000] [--clients 2] [--runs 200] [--sample 15]`
 *
 * The embedded process under a steady load, as a firm runs it: OTLP ingest at `--rate` runs/s through
 * the real receiver and batching writer, while a dashboard loads the overview metrics (cycle time,
 * exception rate, labor hours, ingest completeness over 12 months) one page after another. Prints, every
 * `--sample` seconds, RSS and heap, ingest throughput and dashboard latency; at the end, the totals, the
 * RSS trend (first vs last quarter) and stored = acknowledged, exiting 1 when a run is missing or doubled.
 * Not part of the test suite (minutes, not seconds). With CLICKHOUSE_URL set it measures that server.
 * The load generator shares the process, so RSS includes it: a flat line is still a flat line.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { createIngestKey } from "@/ingest/keys";
import { createIngestService, otlpHttpServer } from "@/ingest/otlp/ingest-service";
import { runMetric, type MetricKey } from "@/metrics/registry";
import { env, storeConfig } from "@/server/env";
import { createTenant } from "@/server/tenants";
import { postTraces, runSpansRequest } from "./otlp-load";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "2000" },
    clients: { type: "string", default: "2" },
    runs: { type: "string", default: "200" },
    sample: { type: "string", default: "15" },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const clients = Number(args.clients);
const runsPerRequest = Number(args.runs);
const sampleSeconds = Number(args.sample);

const DASHBOARD: MetricKey[] = ["cycle-time", "exception-rate", "labor-hours", "ingest-completeness"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => Math.round(b / 1024 / 1024);
const pct = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]) => pct(xs, 0.5);

async function main(): Promise<void> {
  const e = env();
  const embeddedDir = path.resolve("bench-data", `soak-${Date.now()}`);
  const config = e.CLICKHOUSE_URL ? storeConfig(e) : ({ kind: "embedded", dataDir: embeddedDir } as const);
  const db = await getStore(config);
  await migrate(db, { cluster: e.CLICKHOUSE_CLUSTER });
  const tenant = await createTenant(db, { slug: `soak-${randomUUID().slice(0, 8)}` });
  const key = await createIngestKey(db, { tenantId: tenant.tenant_id, name: "soak", createdBy: "bench" });
  const service = createIngestService(db, { secret: "soak-bench-secret" });
  const server = otlpHttpServer(service.routes);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`soak: ${minutes} min, ${rate} runs/s target (${clients} clients × ${runsPerRequest} runs/request), store ${config.kind}`);

  const endAt = Date.now() + minutes * 60_000;
  let acked = 0;
  let refused = 0;
  let failed = 0;
  let requestSeq = 0;
  const latencies: number[] = [];
  let windowLatencies: number[] = [];
  let windowAcked = 0;

  const client = async () => {
    const every = (runsPerRequest * clients * 1000) / rate;
    let due = Date.now();
    while (Date.now() < endAt) {
      const n = requestSeq++;
      const body = runSpansRequest(Array.from({ length: runsPerRequest }, (_, i) => `s${n}-${i}`));
      // An exporter retries a refused request with the same body until it is acknowledged.
      for (;;) {
        const res = await postTraces(url, key.secret, body);
        if (res.status === 200) break;
        if (res.status === 503) refused++;
        else failed++;
        await sleep(Number(res.retryAfter ?? 1) * 1000);
      }
      acked += runsPerRequest;
      windowAcked += runsPerRequest;
      due += every;
      await sleep(Math.max(0, due - Date.now()));
    }
  };

  const dashboard = async () => {
    while (Date.now() < endAt) {
      const t0 = performance.now();
      const to = new Date();
      const from = new Date(to.getTime() - 365 * 86_400_000);
      await Promise.all(DASHBOARD.map((k) => runMetric(db, k, { tenantId: tenant.tenant_id, from, to })));
      const ms = performance.now() - t0;
      latencies.push(ms);
      windowLatencies.push(ms);
      await sleep(1000);
    }
  };

  // What the engine itself accounts for (ClickHouse's MemoryTracking, its mark/index caches), to tell its
  // caches from a leak when RSS moves while the JS heap stays flat.
  const engineMemory = async () => {
    const v = z.object({ v: z.coerce.number() });
    const [tracked] = await db.query("SELECT value AS v FROM system.metrics WHERE metric = 'MemoryTracking'", {}, v);
    const [caches] = await db.query("SELECT sum(value) AS v FROM system.metrics WHERE metric LIKE '%CacheBytes'", {}, v);
    return { tracked: tracked?.v ?? NaN, caches: caches?.v ?? NaN };
  };

  const samples: { t: number; rss: number; anon: number }[] = [];
  const started = Date.now();
  const sampler = async () => {
    // RSS = anonymous memory (heaps, the engine's allocations) + file pages. The engine is a ~500 MB
    // shared library whose code pages come in as new code paths run: file-backed, reclaimable, no leak.
    console.log("   t(s)  RSS(MB)  anon(MB)  file(MB)  heap(MB)  engine(MB)  caches(MB)  runs/s  queued  dash p50/p95 (ms)  pages");
    while (Date.now() < endAt) {
      await sleep(sampleSeconds * 1000);
      const m = process.memoryUsage();
      const engine = await engineMemory();
      const t = Math.round((Date.now() - started) / 1000);
      const { anon, file } = residentSplit();
      samples.push({ t, rss: m.rss, anon });
      console.log(
        `${String(t).padStart(7)}  ${String(mb(m.rss)).padStart(7)}  ${String(mb(anon)).padStart(8)}  ${String(mb(file)).padStart(8)}  ${String(mb(m.heapUsed)).padStart(8)}  ` +
          `${String(mb(engine.tracked)).padStart(10)}  ${String(mb(engine.caches)).padStart(10)}  ` +
          `${String(Math.round(windowAcked / sampleSeconds)).padStart(6)}  ${String(service.writer.queuedRows()).padStart(6)}  ` +
          `${`${Math.round(median(windowLatencies))}/${Math.round(pct(windowLatencies, 0.95))}`.padStart(17)}  ${String(windowLatencies.length).padStart(5)}`,
      );
      windowAcked = 0;
      windowLatencies = [];
    }
  };

  await Promise.all([...Array.from({ length: clients }, client), dashboard(), sampler()]);
  await service.writer.drain();
  await new Promise((r) => server.close(r));

  const n = z.object({ n: z.coerce.number() });
  const p = { t: tenant.tenant_id };
  const [stored] = await db.query("SELECT count() AS n FROM runs FINAL WHERE tenant_id = {t:String}", p, n);
  const [raw] = await db.query("SELECT count() AS n FROM runs WHERE tenant_id = {t:String}", p, n);
  const [daily] = await db.query("SELECT uniqExact(run_id) AS n FROM runs WHERE tenant_id = {t:String}", p, n);
  const elapsed = (Date.now() - started) / 1000;
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const early = median(samples.slice(0, quarter).map((s) => s.rss));
  const late = median(samples.slice(-quarter).map((s) => s.rss));

  console.log("\nsummary");
  console.log(`  ingest: ${acked} runs acknowledged in ${Math.round(elapsed)} s = ${Math.round(acked / elapsed)} runs/s; ${refused} 503s, ${failed} other failures`);
  console.log(
    `  dashboard (${DASHBOARD.length} metrics per page, ${latencies.length} pages): p50 ${Math.round(median(latencies))} ms, ` +
      `p95 ${Math.round(pct(latencies, 0.95))} ms, p99 ${Math.round(pct(latencies, 0.99))} ms, max ${Math.round(Math.max(...latencies))} ms`,
  );
  console.log(`  RSS: first-quarter median ${mb(early)} MB, last-quarter median ${mb(late)} MB (${mb(late - early) >= 0 ? "+" : ""}${mb(late - early)} MB)`);
  // RSS jumps by tens of MB from sample to sample (merges, query buffers), so two medians can differ by
  // chance; the least-squares slope after the first quarter (warm-up: caches filling) is the trend.
  // Two views of "after warm-up": from the first quarter on, and the second half alone. The engine's
  // allocator pools grow with the first parts and merges for several minutes (10-minute runs here:
  // anonymous memory rose for ~5 minutes, then held), so a plateau shows in the second half first.
  for (const [window, settled] of [["after the first quarter", samples.slice(quarter)], ["second half", samples.slice(Math.floor(samples.length / 2))]] as const) {
    for (const [label, key] of [["RSS", "rss"], ["anonymous RSS", "anon"]] as const) {
      const points = settled.map((x) => ({ t: x.t, rss: x[key] }));
      const slope = slopePerMinute(points);
      const range = points.map((x) => x.rss);
      console.log(
        `  ${label}, ${window}: ${mb(Math.min(...range))}–${mb(Math.max(...range))} MB, trend ${slope >= 0 ? "+" : ""}${(slope / 1048576).toFixed(1)} MB/min ` +
          `(least squares over ${points.length} samples)`,
      );
    }
  }
  console.log(`  stored: ${stored?.n} runs (raw rows ${raw?.n}, distinct run ids ${daily?.n}); acknowledged ${acked}`);
  const ok = stored?.n === acked && daily?.n === acked;
  console.log(`  stored = acknowledged: ${ok ? "yes" : "NO"}`);

  await closeStore();
  if (config.kind === "embedded") rmSync(embeddedDir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

/** Anonymous and file-backed resident bytes of this process (Linux /proc; NaN elsewhere). */
function residentSplit(): { anon: number; file: number } {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { anon: kb("RssAnon"), file: kb("RssFile") };
  } catch {
    return { anon: NaN, file: NaN };
  }
}

/** Least-squares slope of RSS (bytes) per minute. */
function slopePerMinute(points: { t: number; rss: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mr = points.reduce((a, p) => a + p.rss, 0) / n;
  const cov = points.reduce((a, p) => a + (p.t - mt) * (p.rss - mr), 0);
  const vt = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return vt === 0 ? 0 : (cov / vt) * 60;
}

main().catch(async (err: unknown) => {
  console.error(err);
  await closeStore().catch(() => undefined);
  process.exit(1);
});
