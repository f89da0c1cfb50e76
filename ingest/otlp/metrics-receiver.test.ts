import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { startTestReceiver } from "./test-receiver";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

type Receiver = Awaited<ReturnType<typeof startTestReceiver>> & { tenant: string };
const open: Receiver[] = [];
afterAll(async () => {
  for (const r of open) await r.close();
});
async function receiver(): Promise<Receiver> {
  const tenant = freshTenant();
  const r = { ...(await startTestReceiver(db, tenant)), tenant };
  open.push(r);
  return r;
}

/** A meter provider exporting only when flushed, as a firm's script or service would (here on demand). */
function meters(r: Receiver, kind: "proto" | "json", temporality: AggregationTemporalityPreference) {
  const options = { url: `${r.url}/v1/metrics`, headers: { Authorization: `Bearer ${r.key}` }, temporalityPreference: temporality };
  const exporter = kind === "proto" ? new ProtoExporter(options) : new JsonExporter(options);
  return new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] });
}

/** A series without its producer (`@service=…`, added by the receiver): the point's dimensions. */
const dimsOf = (series: string) => series.replace(/\n?@service=.*$/, "");

const point = z.object({ measure: z.string(), series: z.string(), temporality: z.string(), start: z.coerce.number(), time: z.coerce.number(), value: z.number() });
async function points(tenant: string, final = true) {
  return db.query(
    `SELECT measure, series, toString(temporality) AS temporality, toUnixTimestamp64Milli(start_time) AS start,
            toUnixTimestamp64Milli(time) AS time, value
     FROM business_points ${final ? "FINAL" : ""} WHERE tenant_id = {t:String} ORDER BY measure, series, start, time`,
    { t: tenant },
    point,
  );
}

describe("POST /v1/metrics with the official OpenTelemetry metrics SDK exporter", () => {
  for (const kind of ["proto", "json"] as const) {
    it(`keeps a cumulative counter's running totals, a reset as a new start, and a gauge (${kind})`, async () => {
      const r = await receiver();
      const first = meters(r, kind, AggregationTemporalityPreference.CUMULATIVE);
      const revenue = first.getMeter("billing").createCounter("business.revenue");
      first.getMeter("billing").createObservableGauge("business.headcount.fte").addCallback((o) => o.observe(42.5));
      revenue.add(100, { currency: "USD" });
      await first.forceFlush();
      revenue.add(50, { currency: "USD" });
      await first.forceFlush();
      await first.shutdown();
      // A restarted process: its counter starts again from 0 with a new start time.
      const second = meters(r, kind, AggregationTemporalityPreference.CUMULATIVE);
      second.getMeter("billing").createCounter("business.revenue").add(30, { currency: "USD" });
      await second.shutdown();
      await r.service.writer.drain();

      const stored = await points(r.tenant);
      const revenueRows = stored.filter((p) => p.measure === "business.revenue");
      // Two flushes and the shutdown's final export (150 again) of one running total, then the reset.
      expect(revenueRows.map((p) => [p.temporality, dimsOf(p.series), p.value])).toEqual([
        ["cumulative", "currency=USD", 100],
        ["cumulative", "currency=USD", 150],
        ["cumulative", "currency=USD", 150],
        ["cumulative", "currency=USD", 30],
      ]);
      expect(new Set(revenueRows.slice(0, 3).map((p) => p.start)).size).toBe(1);
      expect(revenueRows[3]!.start).toBeGreaterThan(revenueRows[2]!.start);
      const gauges = stored.filter((p) => p.measure === "business.headcount.fte");
      expect(gauges.length).toBeGreaterThanOrEqual(2);
      for (const g of gauges) expect([g.temporality, g.value, dimsOf(g.series)]).toEqual(["gauge", 42.5, ""]);
    });
  }

  it("stores delta sums as amounts with their own intervals", async () => {
    const r = await receiver();
    const p = meters(r, "proto", AggregationTemporalityPreference.DELTA);
    const hours = p.getMeter("timesheets").createCounter("business.hours");
    hours.add(4, { "work.category": "expert", "staff.seniority": "senior", "employee.email": "someone@example.com" });
    hours.add(2, { "work.category": "expert", "staff.seniority": "senior", "employee.email": "someone.else@example.com" });
    hours.add(2, { "work.category": "admin", "staff.seniority": "senior" });
    await p.forceFlush();
    hours.add(3, { "work.category": "expert", "staff.seniority": "senior" });
    await p.shutdown();
    await r.service.writer.drain();
    const stored = await points(r.tenant);
    expect(stored.every((s) => s.temporality === "delta" && !s.series.includes("example.com"))).toBe(true);
    expect(stored.filter((s) => dimsOf(s.series) === "staff.seniority=senior\nwork.category=admin").map((s) => s.value)).toEqual([2]);
    // A person's identifier is not a business dimension: it is dropped, and the two people's amounts
    // are both kept (4 + 2), never one replacing the other: as one point when the SDK gave them one
    // interval, as two when each stream started at its own first measurement (a slow machine).
    const expert = stored.filter((s) => dimsOf(s.series) === "staff.seniority=senior\nwork.category=expert");
    const last = expert.at(-1)!;
    const first = expert.slice(0, -1);
    expect(last.value).toBe(3);
    expect(first.reduce((sum, s) => sum + s.value, 0)).toBe(6);
    for (const p of first) expect(last.start).toBeGreaterThanOrEqual(p.time);
  });

  it("stores nothing twice when the same request is sent again", async () => {
    const r = await receiver();
    const now = Date.now();
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "business.intake.prospects",
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [{ startTimeUnixNano: `${now - 60_000}000000`, timeUnixNano: `${now}000000`, asInt: "12" }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const send = () => fetch(`${r.url}/v1/metrics`, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${r.key}` } });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    await r.service.writer.drain();
    expect(await points(r.tenant, false)).toHaveLength(1);
    expect((await points(r.tenant))[0]).toMatchObject({ measure: "business.intake.prospects", temporality: "delta", value: 12 });
  });

  it("rejects histograms, unknown names and invalid dimensions by name in the partial-success answer", async () => {
    const r = await receiver();
    const now = `${Date.now()}000000`;
    const sum = (name: string, attributes: unknown[] = []) => ({
      name,
      sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ startTimeUnixNano: now, timeUnixNano: now, asDouble: 5, attributes }] },
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: "http.server.duration", histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: now }, { timeUnixNano: now }] } },
                sum("process.cpu.time"),
                sum("business.revenue"),
                sum("business.hours", [{ key: "work.category", value: { stringValue: "golf" } }, { key: "staff.seniority", value: { stringValue: "senior" } }]),
                sum("compliance.incidents"),
              ],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${r.url}/v1/metrics`, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${r.key}` } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    // 2 histogram points, 1 unknown name, revenue without a currency, hours with an unknown category.
    expect(answer.partialSuccess.rejectedDataPoints).toBe("5");
    for (const name of ["http.server.duration", "process.cpu.time", "business.revenue", "business.hours"]) expect(answer.partialSuccess.errorMessage).toContain(name);
    expect(answer.partialSuccess.errorMessage).not.toContain("compliance.incidents");
    await r.service.writer.drain();
    expect((await points(r.tenant)).map((p) => p.measure)).toEqual(["compliance.incidents"]);
  });
});

describe("the README's business-figures script", () => {
  it("runs as written (with this receiver's address and key) and its figures are stored", async () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Sending business figures"));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code?.trim().split("\n").length).toBeLessThanOrEqual(10);
    const r = await receiver();
    // The receiver's first request starts its mapping threads: done here, not inside the script's export timeout.
    const warm = { name: "process.warm.up", gauge: { dataPoints: [{ timeUnixNano: `${Date.now()}000000`, asDouble: 1 }] } };
    await fetch(`${r.url}/v1/metrics`, { method: "POST", body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [warm] }] }] }), headers: { "content-type": "application/json", authorization: `Bearer ${r.key}` } });
    const script = code!.replace("http://localhost:3000", r.url).replace("plk_…", r.key);
    mkdirSync(path.join(root, "test-data"), { recursive: true });
    const file = path.join(root, "test-data", `readme-metrics-${r.tenant}.mts`);
    writeFileSync(file, script);
    try {
      // Not spawnSync: the receiver runs in this process and must keep answering while the script runs.
      const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
      const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(status, stderr).toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
    await r.service.writer.drain();
    const stored = (await points(r.tenant)).map((p) => [p.measure, dimsOf(p.series), p.value]);
    expect(stored).toEqual([
      ["business.headcount.fte", "", 41.5],
      ["business.hours", "staff.seniority=senior\nwork.category=expert", 120],
      ["business.revenue", "currency=USD", 182000],
    ]);
  });
});
