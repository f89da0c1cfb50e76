import type { IncomingMessage, ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createIngestKey } from "../keys";
import { createBatchWriter } from "../writer";
import { createOtlpReceiver } from "./handler";
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

  // Why each refused export failed in the end: always its 503s, never the connection.
  const failures = new Set<string>();
  const resets = new Map<string, number>();
  server.on("connection", (socket: net.Socket) => socket.on("error", (e: NodeJS.ErrnoException) => resets.set(e.code ?? e.message, 1)));
  let peakQueued = 0;
  const sampler = setInterval(() => (peakQueued = Math.max(peakQueued, service.writer.queuedRows())), 2);
  const senders = Array.from({ length: 12 }, (_, sender) => {
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, headers: { Authorization: `Bearer ${key.secret}` }, timeoutMillis: 20_000 });
    return Promise.all(
      [0, 1, 2].map(
        (batch) =>
          new Promise<number>((resolve) => {
            const payload = spans(150, sender * 10 + batch);
            exporter.export(payload, (r) => {
              if (r.code !== SUCCESS) failures.add(String(r.error?.message));
              resolve(r.code === SUCCESS ? payload.length : 0);
            });
          }),
      ),
    );
  });
  const acknowledged = (await Promise.all(senders)).flat().reduce((a, b) => a + b, 0);
  clearInterval(sampler);

  expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
  // Every refusal is a 503 with Retry-After, and no connection was reset on either side.
  expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
  expect([...failures].filter((m) => !/retryable status/i.test(m))).toEqual([]);
  expect([...resets.keys()]).toEqual([]);
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

/**
 * One request as a plain HTTP/1.1 sender makes it: the body written in `pieces` 100 ms apart, all of it
 * whatever the server answers meanwhile (as curl and Python's clients do), on a connection kept for the
 * next request (ignoring the server's Keep-Alive hint, as Go, Java and Python pools do). Gives the
 * answer's status, or how the connection failed.
 */
function exchange(socket: net.Socket, head: string, body: Buffer, pieces = 1): Promise<number | string> {
  return new Promise((resolve) => {
    // Closed by the server while idle: the sender's write would fail (or reach a reset).
    if (socket.destroyed || !socket.writable) return resolve("closed");
    let got = Buffer.alloc(0);
    let status: number | undefined;
    let uploaded = false;
    const done = (outcome: number | string) => {
      socket.off("data", onData).off("error", onError).off("close", onClose);
      resolve(outcome);
    };
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf("\r\n\r\n");
      if (end < 0) return;
      const header = got.subarray(0, end).toString("latin1");
      const length = Number(/content-length:\s*(\d+)/i.exec(header)?.[1] ?? 0);
      if (got.length >= end + 4 + length) status = Number(header.split(" ")[1]);
      if (status !== undefined && uploaded) done(status);
    };
    const onError = (e: NodeJS.ErrnoException) => done(`error ${e.code ?? e.message}`);
    const onClose = () => done(status !== undefined && uploaded ? status : "closed");
    socket.on("data", onData).on("error", onError).on("close", onClose);
    socket.write(head);
    const size = Math.ceil(body.length / pieces);
    const send = (i: number) =>
      socket.write(body.subarray(i * size, (i + 1) * size), (err) => {
        if (err) return;
        if (i + 1 < pieces) setTimeout(() => send(i + 1), 100);
        else if (status !== undefined) done(status);
        else uploaded = true;
      });
    send(0);
  });
}

/** A receiver that refuses every request before reading its body (no request slot), on the OTLP server. */
async function refusingServer() {
  const db = await testDb();
  const writer = createBatchWriter(db, { flushIntervalMs: 10 });
  const receiver = createOtlpReceiver({ db, writer, secret: "s", maxConcurrentRequests: 0 });
  const server = otlpHttpServer(new Map([["/v1/traces", receiver.traces]]));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => writer.drain(), () => new Promise((r) => server.close(r)));
  const key = await createIngestKey(db, { tenantId: freshTenant(), name: "retry", createdBy: "test" });
  const body = Buffer.alloc(256 * 1024, 0x20);
  const head = (connection: string) =>
    `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key.secret}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: ${connection}\r\n\r\n`;
  const connect = () => net.connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", allowHalfOpen: true });
  return { body, head, connect };
}

it("answers 503 to a sender still uploading with Connection: close, after its body, instead of resetting it", async () => {
  const { body, head, connect } = await refusingServer();
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 3; i++) {
    const socket = connect();
    try {
      outcomes.push(await exchange(socket, head("close"), body, 4));
    } finally {
      socket.destroy();
    }
  }
  // Answered before the body had arrived and then closed, each of these was EPIPE.
  expect(outcomes).toEqual([503, 503, 503]);
});

it("answers a refused sender's retry on the connection it kept idle past Node's 5 s keep-alive with 503, not a closed connection", async () => {
  const { body, head, connect } = await refusingServer();
  const socket = connect();
  try {
    expect(await exchange(socket, head("keep-alive"), body)).toBe(503);
    // Longer than Node's default keep-alive (5 s, closed at 6 s): the sender's backoff after a few refusals.
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await exchange(socket, head("keep-alive"), body)).toBe(503);
  } finally {
    socket.destroy();
  }
}, 20_000);
