import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createIngestKey } from "../keys";
import { createIngestService, otlpHttpServer } from "./ingest-service";

// The OTLP ports answer Node requests without a Web Request in between (handler.ts): these are the
// body-handling cases that path must get right over a real socket, the connection included.

let db: Db;
let url: URL;
let secret: string;
let tenant: string;
let close: () => Promise<void>;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  db = await testDb();
  tenant = freshTenant();
  const service = createIngestService(db, { secret: "test-secret", maxBodyBytes: LIMIT, writer: { flushIntervalMs: 10 } });
  const server = otlpHttpServer(service.routes);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
  secret = (await createIngestKey(db, { tenantId: tenant, name: "test", createdBy: "test" })).secret;
  close = async () => {
    await service.writer.drain();
    await new Promise((r) => server.close(r));
  };
});
afterAll(() => close());

// One socket for every request of a test: an answer must leave the connection usable.
function client() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const send = (body: Buffer | Buffer[], headers: Record<string, string>) =>
    new Promise<{ status: number; text: string; retryAfter?: string }>((resolve, reject) => {
      const req = http.request(url, { method: "POST", agent, headers: { authorization: `Bearer ${secret}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("socket", (s) => sockets.add(s));
      req.on("error", reject);
      // Several writes without a Content-Length: the body arrives chunked, its size unknown up front.
      for (const part of Array.isArray(body) ? body : [body]) req.write(part);
      req.end();
    });
  return { send, sockets, close: () => agent.destroy() };
}

let nextRun = 1000;
function runSpanBody(runs: number): Buffer {
  const first = nextRun;
  nextRun += runs;
  const now = BigInt(Date.now() - 60_000) * 1_000_000n;
  const spans = Array.from({ length: runs }, (_, i) => ({
    traceId: (tenant.replace(/[^0-9a-f]/g, "") + "0".repeat(32)).slice(0, 28) + String(first + i),
    spanId: `${"0".repeat(12)}${first + i}`,
    name: "intake",
    startTimeUnixNano: now.toString(),
    endTimeUnixNano: (now + 5_000_000_000n).toString(),
    attributes: [{ key: "workflow.name", value: { stringValue: "intake" } }],
  }));
  return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
}

const count = z.object({ n: z.coerce.number() });
async function storedRuns(): Promise<number> {
  return (await db.query(`SELECT count() AS n FROM runs FINAL WHERE tenant_id = {t:String}`, { t: tenant }, count))[0]?.n ?? 0;
}

describe("the OTLP receiver on Node's HTTP server", () => {
  it("refuses a chunked body over the limit with 413, then serves the next request on the same connection", async () => {
    const c = client();
    const big = Array.from({ length: 10 }, () => Buffer.alloc(16 * 1024, 0x20));
    const refused = await c.send(big, { "content-type": "application/json" });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 3, message: `Body is over the ${LIMIT}-byte limit` });
    const before = await storedRuns();
    const ok = await c.send(runSpanBody(2), { "content-type": "application/json" });
    expect(ok.status).toBe(200);
    expect(await storedRuns()).toBe(before + 2);
    expect(c.sockets.size).toBe(1);
    c.close();
  });

  it("answers 415 for another content type and 400 for a malformed body without losing the connection", async () => {
    const c = client();
    const wrongType = await c.send(runSpanBody(1), { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    expect(JSON.parse(wrongType.text)).toMatchObject({ message: expect.stringMatching(/Content-Type must be/) });
    const malformed = await c.send(Buffer.from("{not json"), { "content-type": "application/json" });
    expect(malformed.status).toBe(400);
    const badKey = await c.send(runSpanBody(1), { "content-type": "application/json", authorization: "Bearer nope" });
    expect(badKey.status).toBe(401);
    expect(c.sockets.size).toBe(1);
    c.close();
  });

  it("reads a gzip body sent in pieces, and refuses one that inflates past the limit", async () => {
    const c = client();
    const before = await storedRuns();
    const zipped = gzipSync(runSpanBody(3));
    const half = Math.floor(zipped.length / 2);
    const ok = await c.send([zipped.subarray(0, half), zipped.subarray(half)], { "content-type": "application/json", "content-encoding": "gzip" });
    expect(ok.status).toBe(200);
    expect(await storedRuns()).toBe(before + 3);
    const bomb = await c.send(gzipSync(Buffer.alloc(LIMIT * 4, 0x20)), { "content-type": "application/json", "content-encoding": "gzip" });
    expect(bomb.status).toBe(413);
    expect(JSON.parse(bomb.text)).toMatchObject({ message: `Decompressed body is over the ${LIMIT}-byte limit` });
    expect(c.sockets.size).toBe(1);
    c.close();
  });
});
