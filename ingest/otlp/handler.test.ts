import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { withWorkflowRun } from "../instrument";
import { createIngestKey, revokeIngestKey } from "../keys";
import { createBatchWriter } from "../writer";
import { createOtlpReceiver } from "./handler";
import { MappingUnavailable } from "./map-pool";
import { otlpTypes } from "./otlp-schema";
import { startTestReceiver } from "./test-receiver";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

type Receiver = Awaited<ReturnType<typeof startTestReceiver>>;
const open: Receiver[] = [];
afterAll(async () => {
  for (const r of open) await r.close();
});
async function receiver(tenant = freshTenant()) {
  const r = await startTestReceiver(db, tenant);
  open.push(r);
  return { ...r, tenant };
}

function provider(r: Receiver, kind: "proto" | "json") {
  const options = { url: `${r.url}/v1/traces`, headers: { Authorization: `Bearer ${r.key}` } };
  const exporter = kind === "proto" ? new ProtoExporter(options) : new JsonExporter(options);
  return new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
}

const count = z.object({ n: z.coerce.number() });
async function countRows(table: string, tenant: string): Promise<number> {
  const rows = await db.query(`SELECT count() AS n FROM ${table} WHERE tenant_id = {t:String}`, { t: tenant }, count);
  return rows[0]?.n ?? 0;
}

function post(r: Receiver, body: BodyInit, headers: Record<string, string> = {}, path = "/v1/traces") {
  return fetch(`${r.url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", authorization: `Bearer ${r.key}`, ...headers },
  });
}

describe("the OTLP/HTTP receiver", () => {
  for (const kind of ["proto", "json"] as const) {
    it(`stores a run and its steps sent by the OTel SDK's ${kind} exporter through the helper`, async () => {
      const r = await receiver();
      const p = provider(r, kind);
      const tracer = p.getTracer("test");
      await withWorkflowRun("client-intake", { subjectId: "matter-42", tracer }, async (run) => {
        await run.step("conflict-check", { actor: "ai", model: "gpt-4o", promptVersion: "v7", inputTokens: 120, outputTokens: 30 }, () => undefined);
        run.intervention("low confidence", { minutes: 6 });
      });
      await p.forceFlush();
      await p.shutdown();
      const runs = await db.query(
        `SELECT workflow, outcome, subject_hash, run_id, trace_id FROM runs WHERE tenant_id = {t:String}`,
        { t: r.tenant },
        z.object({ workflow: z.string(), outcome: z.string(), subject_hash: z.string(), run_id: z.string(), trace_id: z.string() }),
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]?.workflow).toBe("client-intake");
      expect(runs[0]?.outcome).toBe("completed");
      expect(runs[0]?.subject_hash).toMatch(/^[0-9a-f]{32}$/);
      expect(runs[0]?.subject_hash).not.toContain("matter");
      expect(runs[0]?.run_id).toBe(runs[0]?.trace_id);
      const steps = await db.query(
        `SELECT step, actor, request_model, prompt_version, input_tokens, intervention, human_minutes, run_id FROM steps
         WHERE tenant_id = {t:String} ORDER BY step`,
        { t: r.tenant },
        z.object({ step: z.string(), actor: z.string(), request_model: z.string(), prompt_version: z.string(), input_tokens: z.coerce.number(), intervention: z.number(), human_minutes: z.number(), run_id: z.string() }),
      );
      expect(steps.map((s) => [s.step, s.actor])).toEqual([
        ["conflict-check", "ai"],
        ["intervention", "human"],
      ]);
      expect(steps[0]).toMatchObject({ request_model: "gpt-4o", prompt_version: "v7", input_tokens: 120, run_id: runs[0]?.run_id });
      expect(steps[1]).toMatchObject({ intervention: 1, human_minutes: 6 });
    });
  }

  it("answers the official OTLP/JSON example with a partial success naming what was not stored", async () => {
    const r = await receiver();
    const res = await post(r, readFileSync(path.resolve(import.meta.dirname, "fixtures/otlp_trace.json")));
    expect(res.status).toBe(200);
    const body = z.object({ partialSuccess: z.object({ rejectedSpans: z.string(), errorMessage: z.string() }) }).parse(await res.json());
    expect(body.partialSuccess.rejectedSpans).toBe("1");
    expect(body.partialSuccess.errorMessage).toContain("not_a_workflow_span");
    expect(body.partialSuccess.errorMessage).toContain("eee19b7ec3c1b174");
    const stats = await db.query(
      `SELECT source, reason, sum(accepted) AS accepted, sum(rejected) AS rejected FROM ingest_stats WHERE tenant_id = {t:String} GROUP BY source, reason`,
      { t: r.tenant },
      z.object({ source: z.string(), reason: z.string(), accepted: z.coerce.number(), rejected: z.coerce.number() }),
    );
    expect(stats).toEqual([{ source: "my.service", reason: "not_a_workflow_span", accepted: 0, rejected: 1 }]);
  });

  it("rejects missing, unknown and revoked keys with 401 and a message", async () => {
    const r = await receiver();
    expect((await post(r, "{}", { authorization: "" })).status).toBe(401);
    const unknown = await post(r, "{}", { authorization: "Bearer plk_nope" });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain("Unknown or revoked");
    expect((await post(r, "{}")).status).toBe(200);
    await revokeIngestKey(db, { tenantId: r.tenant, keyId: r.keyId, revokedBy: "test" });
    expect((await post(r, "{}")).status).toBe(401);
  });

  it("answers 415 for other content types, 400 for malformed bodies and 413 for oversized ones", async () => {
    const r = await receiver();
    expect((await post(r, "x", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(r, "{not json")).status).toBe(400);
    expect((await post(r, '{"resourceSpans": 5}')).status).toBe(400);
    expect((await post(r, new Uint8Array([0x0a, 0xff, 0xff]), { "content-type": "application/x-protobuf" })).status).toBe(400);
    expect((await post(r, new Uint8Array([1, 2, 3]), { "content-encoding": "gzip" })).status).toBe(400);
    expect((await post(r, "x".repeat(17 * 1024 * 1024))).status).toBe(413);
  });

  it("stores gzip-compressed protobuf and answers in protobuf", async () => {
    const r = await receiver();
    const now = BigInt(Date.now()) * 1_000_000n;
    const request = otlpTypes.traceRequest.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                // A step before its run, and a run whose end precedes its start.
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: "s", startTimeUnixNano: now.toString(), endTimeUnixNano: (now + 1000n).toString(), attributes: [{ key: "workflow.step", value: { stringValue: "triage" } }] },
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 3), name: "r", startTimeUnixNano: now.toString(), endTimeUnixNano: (now - 1000n).toString(), attributes: [{ key: "workflow.name", value: { stringValue: "w" } }] },
              ],
            },
          ],
        },
      ],
    });
    const res = await post(r, gzipSync(otlpTypes.traceRequest.encode(request).finish()), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    const answer = otlpTypes.traceResponse.toObject(otlpTypes.traceResponse.decode(new Uint8Array(await res.arrayBuffer())), { longs: Number });
    expect(answer).toMatchObject({ partialSuccess: { rejectedSpans: 1 } });
    expect(await countRows("steps", r.tenant)).toBe(1);
    expect(await countRows("runs", r.tenant)).toBe(0);
  });

  it("acknowledges a retried request (same body) without counting it twice", async () => {
    const r = await receiver();
    const now = Date.now() * 1_000_000;
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: "5b8efff798038103d269b633813fc60c",
                  spanId: "eee19b7ec3c1b174",
                  name: "run",
                  startTimeUnixNano: String(now - 5e9),
                  endTimeUnixNano: String(now),
                  attributes: [{ key: "workflow.name", value: { stringValue: "intake" } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await post(r, body)).status).toBe(200);
    expect((await post(r, body)).status).toBe(200);
    expect(await countRows("runs", r.tenant)).toBe(1);
  });

  it("stores data-access events sent to /v1/logs", async () => {
    const r = await receiver();
    const log = (decision: string) => ({
      timeUnixNano: String(Date.now() * 1_000_000),
      eventName: "data.access",
      attributes: [
        { key: "access.decision", value: { stringValue: decision } },
        { key: "user.role", value: { stringValue: "paralegal" } },
        { key: "source.name", value: { stringValue: "dms" } },
      ],
    });
    const res = await post(r, JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [log("allow"), log("deny"), { body: { stringValue: "hi" } }] }] }] }), {}, "/v1/logs");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ partialSuccess: { rejectedLogRecords: "1" } });
    expect(await countRows("data_access_events", r.tenant)).toBe(2);
  });

  it("answers 503 with Retry-After, and stores nothing, when the mapping thread dies under a request", async () => {
    const tenant = freshTenant();
    const key = await createIngestKey(db, { tenantId: tenant, name: "test", createdBy: "test" });
    const writer = createBatchWriter(db, { flushIntervalMs: 10 });
    const mapper = async () => {
      throw new MappingUnavailable("mapping thread exited (1)");
    };
    const r = createOtlpReceiver({ db, writer, secret: "test-secret", mapper });
    const body = readFileSync(path.resolve(import.meta.dirname, "fixtures/otlp_trace.json"));
    const res = await r.traces(
      new Request("http://localhost/v1/traces", { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${key.secret}` } }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toMatchObject({ code: 14, message: expect.stringMatching(/retry later/) });
    await writer.drain();
    expect(await countRows("ingest_stats", tenant)).toBe(0);
  });
});
