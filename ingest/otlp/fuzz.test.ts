import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createIngestKey } from "../keys";
import { createBatchWriter } from "../writer";
import { createOtlpReceiver } from "./handler";
import { otlpTypes } from "./otlp-schema";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// A seeded generator, so a failure replays the same payloads.
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function seedRequest() {
  const now = Date.now();
  const span = (i: number, attrs: Record<string, string | number | boolean>) => ({
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: `b7ad6b71692033${String(i).padStart(2, "0")}`,
    name: `span ${i}`,
    startTimeUnixNano: String((now - 60_000) * 1e6),
    endTimeUnixNano: String(now * 1e6),
    attributes: Object.entries(attrs).map(([key, v]) => ({
      key,
      value: typeof v === "string" ? { stringValue: v } : typeof v === "boolean" ? { boolValue: v } : { intValue: String(v) },
    })),
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "fuzz" } }] },
        scopeSpans: [
          {
            spans: [
              span(1, { "workflow.name": "intake", "workflow.outcome": "exception", "workflow.human.minutes": 3 }),
              span(2, { "workflow.step": "review", "workflow.actor": "human", "review.outcome": "approved" }),
              span(3, { "source.name": "crm", "source.records.count": 10 }),
              span(4, { "workflow.step": "draft", "workflow.actor": "ai", "gen_ai.usage.input_tokens": 5, "workflow.intervention": true }),
            ],
          },
        ],
      },
    ],
  };
}

function mutateBytes(base: Uint8Array, rnd: () => number): Buffer {
  const out = Buffer.from(base);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) return out.subarray(0, Math.floor(rnd() * out.length));
  const flips = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < flips; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
  if (kind === 2) return Buffer.concat([out, Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 256)))]);
  return out;
}

const junk = [null, 0, -1, 1e308, "", "zz", "12345678901234567890123", true, [], {}, [1, "a"], { stringValue: 5 }, "NaN"];
function mutateJson(value: unknown, rnd: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => (rnd() < 0.15 ? junk[Math.floor(rnd() * junk.length)] : mutateJson(v, rnd)));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rnd() < 0.1 ? junk[Math.floor(rnd() * junk.length)] : mutateJson(v, rnd)]));
  }
  return value;
}

it("survives thousands of mutated protobuf and JSON payloads without a 5xx or a stored row it did not account for", async () => {
  const tenantId = freshTenant();
  const key = await createIngestKey(db, { tenantId, name: "fuzz", createdBy: "test" });
  const writer = createBatchWriter(db, { flushIntervalMs: 20 });
  const receiver = createOtlpReceiver({ db, writer, secret: "s", maxConcurrentRequests: 1000 });
  const post = (secret: string, body: Uint8Array, contentType: string) =>
    receiver.traces(
      new Request("http://x/v1/traces", { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType, authorization: `Bearer ${secret}` } }),
    );
  const base = seedRequest();
  const pb = otlpTypes.traceRequest.encode(otlpTypes.traceRequest.fromObject({
    resourceSpans: base.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        spans: ss.spans.map((s) => ({ ...s, traceId: Buffer.from(s.traceId, "hex"), spanId: Buffer.from(s.spanId, "hex") })),
      })),
    })),
  })).finish();
  const rnd = random(42);
  const statuses = new Map<number, number>();
  const malformed: { body: Buffer; contentType: string }[] = [];
  for (let round = 0; round < 4; round++) {
    const requests = Array.from({ length: 500 }, (_, i) => {
      const json = (round + i) % 2 === 0;
      const body = json
        ? rnd() < 0.3
          ? mutateBytes(Buffer.from(JSON.stringify(base)), rnd)
          : Buffer.from(JSON.stringify(mutateJson(base, rnd)))
        : mutateBytes(pb, rnd);
      const contentType = json ? "application/json" : "application/x-protobuf";
      return post(key.secret, body, contentType).then((res) => {
        if (res.status === 400) malformed.push({ body, contentType });
        return res;
      });
    });
    for (const res of await Promise.all(requests)) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  await writer.drain();
  expect([...statuses.keys()].filter((s) => s !== 200 && s !== 400)).toEqual([]);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(100);

  // Rows may collapse by span identity as parts merge, so stored rows are bounded by the accepted count.
  const n = z.object({ n: z.coerce.number() });
  const one = async (sql: string, tenant = tenantId) => (await db.query(sql, { t: tenant }, n))[0]?.n ?? -1;
  const stored = async (tenant: string) =>
    (await one(`SELECT count() AS n FROM runs WHERE tenant_id = {t:String}`, tenant)) +
    (await one(`SELECT count() AS n FROM steps WHERE tenant_id = {t:String}`, tenant)) +
    (await one(`SELECT count() AS n FROM source_syncs WHERE tenant_id = {t:String}`, tenant));
  const accepted = await one(`SELECT sum(accepted) AS n FROM ingest_stats WHERE tenant_id = {t:String}`);
  expect(await stored(tenantId)).toBeGreaterThan(0);
  expect(await stored(tenantId)).toBeLessThanOrEqual(accepted);
  const garbage = await one(
    `SELECT count() AS n FROM steps WHERE tenant_id = {t:String}
       AND (length(span_id) != 16 OR length(trace_id) != 32 OR step = '' OR end_time < start_time OR start_time < '2000-01-01')`,
  );
  expect(garbage).toBe(0);
  expect(await one(`SELECT count() AS n FROM runs WHERE tenant_id = {t:String} AND (workflow = '' OR end_time < start_time)`)).toBe(0);

  // The payloads answered 400, replayed for a tenant of their own, leave no trace at all.
  const clean = freshTenant();
  const cleanKey = await createIngestKey(db, { tenantId: clean, name: "fuzz", createdBy: "test" });
  const replies = await Promise.all(malformed.slice(0, 300).map((m) => post(cleanKey.secret, m.body, m.contentType)));
  await writer.drain();
  expect(replies.map((r) => r.status).filter((s) => s !== 400)).toEqual([]);
  expect(await stored(clean)).toBe(0);
  expect(await one(`SELECT count() AS n FROM ingest_stats WHERE tenant_id = {t:String}`, clean)).toBe(0);
});
