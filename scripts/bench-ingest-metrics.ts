/**
 * `npm run bench:ingest -- --metrics`: OTLP metrics (business figures) ingest throughput against the
 * engine inserting the same rows.
 *
 * 1. A fresh embedded store; a tenant and an ingest key made with the CLI; the real ingest process.
 * 2. SENDERS senders POST REQUESTS protobuf ExportMetricsServiceRequests of POINTS_PER_REQUEST
 *    cumulative `business.hours` points each (distinct series: category × seniority × business unit;
 *    each request a later export of the same series), after a warm-up; points per second are timed.
 * 3. The ingest process stops; stored points are counted against acknowledged ones.
 * Raw: the same request bodies decoded, mapped, Native-encoded and written to files outside the clock,
 * then only the engine's INSERT of those files timed (scripts/raw-inserts.ts), into an empty store at
 * the same batch size. The ratio is ingest / raw. The last line printed is one JSON object.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { closeStore, getStore } from "@/clickhouse/store";
import { WORK_CATEGORIES, SENIORITIES } from "@/ingest/business-measures";
import { mapRequest } from "@/ingest/otlp/map-request";
import { otlpTypes } from "@/ingest/otlp/otlp-schema";
import { freePort } from "../e2e/harness";
import { type MappedRequest, insertFileDir, prepareInserts, runInserts } from "./raw-inserts";

const POINTS_PER_REQUEST = 750;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARM_UP = 20;
const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(`[bench] ${line}`);

function requestBody(n: number, start: number): Uint8Array {
  const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const dataPoints = Array.from({ length: POINTS_PER_REQUEST }, (_, i) => ({
    startTimeUnixNano: String(BigInt(start) * 1_000_000n),
    timeUnixNano: String(BigInt(start + (n + 1) * 60_000) * 1_000_000n),
    asDouble: (n + 1) * (1 + (i % 7)),
    attributes: [kv("work.category", WORK_CATEGORIES[i % 5]!), kv("staff.seniority", SENIORITIES[Math.floor(i / 5) % 3]!), kv("business.unit", `unit-${Math.floor(i / 15)}`)],
  }));
  const message = otlpTypes.metricsRequest.fromObject({
    resourceMetrics: [{ resource: { attributes: [kv("service.name", "timesheets")] }, scopeMetrics: [{ metrics: [{ name: "business.hours", sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints } }] }] }],
  });
  return otlpTypes.metricsRequest.encode(message).finish();
}

function post(agent: http.Agent, port: number, secret: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/v1/metrics", method: "POST", agent, headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${secret}`, "content-length": body.length } },
      (res) => {
        res.on("data", () => undefined);
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function sendAll(port: number, secret: string, bodies: Uint8Array[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let body = bodies[next++]; body; body = bodies[next++]) {
        let status = await post(agent, port, secret, body);
        while (status === 503) {
          await new Promise((r) => setTimeout(r, 1000));
          status = await post(agent, port, secret, body);
        }
        if (status !== 200) throw new Error(`unexpected status ${status}`);
      }
    }),
  );
  agent.destroy();
}

/** Ingest through the real process: points per second and the stored count. */
async function ingestSide(bodies: Uint8Array[]): Promise<{ pointsPerS: number; stored: number; tenantId: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-metrics-"));
  const env = { ...process.env, PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_SECRET: "bench-secret-0123456789", PLUMBLINE_DEMO: "0" };
  const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(root, "bin/plumbline.mjs"), ...args], { env, cwd: root, encoding: "utf8" });
  cli("migrate");
  cli("tenants", "create", "bench");
  const secret = z.object({ secret: z.string() }).parse(JSON.parse(cli("keys", "create", "--tenant", "bench", "--name", "bench", "--json"))).secret;
  const tenantId = z.array(z.object({ tenant_id: z.string(), slug: z.string() })).parse(JSON.parse(cli("tenants", "list", "--json"))).find((t) => t.slug === "bench")!.tenant_id;
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "ingest/server.ts")], { env: { ...env, PLUMBLINE_OTLP_PORT: String(port), HOST: "127.0.0.1" }, cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("OTLP/HTTP on") && resolve());
    child.once("exit", (code) => reject(new Error(`ingest process exited with ${code}`)));
  });
  await sendAll(port, secret, bodies.slice(0, WARM_UP));
  const t0 = performance.now();
  await sendAll(port, secret, bodies.slice(WARM_UP));
  const seconds = (performance.now() - t0) / 1000;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  const db = await getStore({ kind: "embedded", dataDir });
  const [row] = await db.query("SELECT count() AS n FROM business_points WHERE tenant_id = {t:String}", { t: tenantId }, z.object({ n: z.coerce.number() }));
  await closeStore();
  rmSync(dataDir, { recursive: true, force: true });
  return { pointsPerS: ((bodies.length - WARM_UP) * POINTS_PER_REQUEST) / seconds, stored: row?.n ?? 0, tenantId };
}

/** The engine alone: the same points, mapped, encoded and written to files beforehand, inserted at `batchRows` a batch. */
async function rawSide(bodies: Uint8Array[], batchRows: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-metrics-raw-"));
  const fileDir = insertFileDir();
  execFileSync(process.execPath, [path.join(root, "bin/plumbline.mjs"), "migrate"], { env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir }, cwd: root });
  const mapped: MappedRequest[] = bodies.map((body) => {
    const out = mapRequest({ channel: "otlp-metrics", body, encoding: "protobuf", tenantId: "raw", allowed: [], secret: "s", nowMs: Date.now() });
    if (!out.ok) throw new Error(out.message);
    return { encoded: out.encoded, rows: out.rows };
  });
  const warm = prepareInserts(mapped.slice(0, WARM_UP), batchRows, fileDir, "warm");
  const timed = prepareInserts(mapped.slice(WARM_UP), batchRows, fileDir, "timed");
  const db = await getStore({ kind: "embedded", dataDir });
  await runInserts(db, warm.batches);
  const t0 = performance.now();
  await runInserts(db, timed.batches);
  const seconds = (performance.now() - t0) / 1000;
  await closeStore();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(fileDir, { recursive: true, force: true });
  return timed.rows / seconds;
}

export async function benchIngestMetrics(): Promise<void> {
  const start = Date.now() - 3 * 3_600_000;
  const bodies = Array.from({ length: WARM_UP + REQUESTS }, (_, n) => requestBody(n, start));
  // The writer flushes at 10,000 rows by default.
  const batchRows = Number(process.env.PLUMBLINE_INGEST_BATCH_ROWS ?? 10_000);
  const before = await rawSide(bodies, batchRows);
  const ingest = await ingestSide(bodies);
  const after = await rawSide(bodies, batchRows);
  const raw = (before + after) / 2;
  const acknowledged = bodies.length * POINTS_PER_REQUEST;
  const result = {
    mode: "metrics",
    points_per_s: Math.round(ingest.pointsPerS),
    raw_points_per_s: Math.round(raw),
    ratio: Number((ingest.pointsPerS / raw).toFixed(2)),
    acknowledged,
    stored: ingest.stored,
    requests: REQUESTS,
    points_per_request: POINTS_PER_REQUEST,
    senders: SENDERS,
    raw_points_per_s_before: Math.round(before),
    raw_points_per_s_after: Math.round(after),
  };
  log(`ingest: ${result.points_per_s} points/s (${SENDERS} senders); engine insert of the same rows: ${result.raw_points_per_s} points/s; ratio ${result.ratio}`);
  log(`stored ${ingest.stored} of ${acknowledged} acknowledged points: ${ingest.stored === acknowledged ? "ok" : "MISMATCH"}`);
  console.log(JSON.stringify(result));
  if (ingest.stored !== acknowledged) process.exitCode = 1;
}
