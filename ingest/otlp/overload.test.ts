import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createIngestKey } from "../keys";
import { createIngestService, otlpHttpServer } from "./ingest-service";

const BOUND = 400;
// ExportResultCode.SUCCESS (@opentelemetry/core, which the exporters depend on but Plumbline does not).
const SUCCESS = 0;
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

function spans(count: number, sender: number): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (s) => void out.push(s),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracer = new BasicTracerProvider({ spanProcessors: [collect] }).getTracer("overload");
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`step ${i}`, { attributes: { "workflow.step": "classify", "workflow.run.id": `run-${sender}-${i % 10}` } }).end();
  }
  return out;
}

it("sheds load past its bound with 503 + Retry-After and stores every acknowledged span exactly once", async () => {
  const db = await testDb();
  const tenantId = freshTenant();
  const service = createIngestService(db, { secret: "s", writer: { maxQueuedRows: BOUND, maxBatchRows: 200, flushIntervalMs: 100, retryAfterSeconds: 1 } });
  const statuses = new Map<number, number>();
  let retryAfterSeen = true;
  const count = (status: number, retryAfter: unknown) => {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 503 && !retryAfter) retryAfterSeen = false;
  };
  // The server answers through each handler's Node path (handler.ts); the answers are counted there.
  const routes = new Map(
    [...service.routes].map(([path, handler]) => {
      const node = handler.node;
      if (!node) throw new Error("the OTLP handlers answer Node requests directly");
      const web = async (req: Request) => {
        const res = await handler(req);
        count(res.status, res.headers.get("retry-after"));
        return res;
      };
      return [
        path,
        Object.assign(web, {
          node: async (req: IncomingMessage, res: ServerResponse) => {
            await node(req, res);
            count(res.statusCode, res.getHeader("retry-after"));
          },
        }),
      ];
    }),
  );
  const server = otlpHttpServer(routes);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => service.writer.drain(), () => new Promise((r) => server.close(r)));
  const { port } = server.address() as AddressInfo;
  const key = await createIngestKey(db, { tenantId, name: "load", createdBy: "test" });

  let peakQueued = 0;
  const sampler = setInterval(() => (peakQueued = Math.max(peakQueued, service.writer.queuedRows())), 2);
  const senders = Array.from({ length: 12 }, (_, sender) => {
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, headers: { Authorization: `Bearer ${key.secret}` }, timeoutMillis: 20_000 });
    return Promise.all(
      [0, 1, 2].map(
        (batch) =>
          new Promise<number>((resolve) => {
            const payload = spans(150, sender * 10 + batch);
            exporter.export(payload, (r) => resolve(r.code === SUCCESS ? payload.length : 0));
          }),
      ),
    );
  });
  const acknowledged = (await Promise.all(senders)).flat().reduce((a, b) => a + b, 0);
  clearInterval(sampler);

  expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
  expect(retryAfterSeen).toBe(true);
  // One request beyond the bound may be admitted into an empty queue; never more than that.
  expect(peakQueued).toBeLessThanOrEqual(BOUND);
  expect(acknowledged).toBeGreaterThan(0);
  const stored = await db.query(
    `SELECT count() AS total, uniqExact(span_id) AS distinct FROM steps WHERE tenant_id = {t:String}`,
    { t: tenantId },
    z.object({ total: z.coerce.number(), distinct: z.coerce.number() }),
  );
  expect(stored[0]).toEqual({ total: acknowledged, distinct: acknowledged });
  const raw = await db.query(`SELECT count() AS n FROM steps WHERE tenant_id = {t:String}`, { t: tenantId }, z.object({ n: z.coerce.number() }));
  // Raw rows, without FINAL: no acknowledged block was stored twice.
  expect(raw[0]?.n).toBe(acknowledged);
});
