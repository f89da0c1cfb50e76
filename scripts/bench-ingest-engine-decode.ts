/**
 * Issue 28, option 1, measured: could the engine decode OTLP protobuf itself? A prototype, not the
 * receiver: it is not used by ingest. It times, in CPU µs a span (this process, engine included:
 * chDB runs inside it), one flush of `FLUSH` bench:ingest requests at a time, two ways:
 *
 * - today: each body decoded, mapped and Native-encoded in JS (`mapRequest`), then one
 *   `INSERT … FROM INFILE` a table (the writer's `commitEncoded`);
 * - engine: the bodies written length-delimited to one file, read by the engine with the `Protobuf`
 *   format and an OTLP .proto schema, spans unnested with `ARRAY JOIN`, then `INSERT … SELECT` into
 *   `steps` and `runs`, plus the per-request count of accepted spans that OTLP's partial-success
 *   answer needs. Its mapping is only the cheap part of the rules: conventions read from an attribute
 *   map, enum values and timestamps checked, the subject id keyed-hashed (HMAC-SHA256 spelled with
 *   SHA256, checked against privacy.ts below), and labels screened by the `@` / two-digit pre-filter
 *   alone (the personal-data shapes use look-behinds, Luhn and mod-97, which RE2 cannot express).
 *   So its cost is a lower bound.
 *
 * `node --import tsx scripts/bench-ingest-engine-decode.ts [requests]`; the last line is one JSON object.
 */
import { createHmac } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { commitEncoded, gatherEncoded } from "@/ingest/commit";
import { mapRequest } from "@/ingest/otlp/map-request";
import { tenantHasher } from "@/ingest/otlp/privacy";
import { SPANS_PER_REQUEST, requestBody } from "./bench-ingest-bodies";
import { runScript, withScratchStore } from "./bench-scratch";

const REQUESTS = Number(process.argv[2] ?? 200);
const FLUSH = 20;
const SECRET = "bench-secret-0123456789";

// The OTLP trace messages, only the fields read (field numbers from opentelemetry-proto v1).
const PROTO = `syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Status { int32 code = 3; }
message Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; Status status = 15; }
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;
const KV = "Array(Tuple(key String, value Tuple(string_value String, bool_value Bool, int_value Int64, double_value Float64)))";
const STRUCTURE =
  `resource_spans Array(Tuple(resource Tuple(attributes ${KV}), scope_spans Array(Tuple(spans Array(Tuple(trace_id String, ` +
  `span_id String, parent_span_id String, name String, start_time_unix_nano UInt64, end_time_unix_nano UInt64, attributes ${KV}, status Tuple(code Int32)))))))`;

/**
 * One row a span: request number, ids as hex, times in ms, and its attributes as a string map. A
 * protobuf oneof's presence is lost here (a double 0 and an absent value read alike): a limitation.
 */
function spansSql(file: string, schema: string): string {
  const value = "multiIf(kv.2.1 != '', kv.2.1, kv.2.4 != 0, toString(kv.2.4), kv.2.3 != 0, toString(kv.2.3), kv.2.2, 'true', '')";
  return `SELECT request, lower(hex(sp.trace_id)) AS tid, lower(hex(sp.span_id)) AS sid, lower(hex(sp.parent_span_id)) AS pid,
      intDiv(sp.start_time_unix_nano, 1000000) AS start_ms, intDiv(sp.end_time_unix_nano, 1000000) AS end_ms, sp.status.code AS code,
      mapFromArrays(arrayMap(kv -> kv.1, sp.attributes), arrayMap(kv -> ${value}, sp.attributes)) AS a,
      length(sp.trace_id) = 16 AND length(sp.span_id) = 8 AND start_ms >= 946684800000 AND end_ms >= start_ms
        AND end_ms <= toUnixTimestamp64Milli(now64(3)) + 86400000 AND end_ms - start_ms <= 34560000000 AS valid
    FROM (SELECT rowNumberInAllBlocks() AS request, resource_spans FROM file('${file}', 'Protobuf', '${STRUCTURE}')
          SETTINGS format_schema = '${schema}:ExportTraceServiceRequest')
    ARRAY JOIN resource_spans AS rs ARRAY JOIN rs.scope_spans AS ss ARRAY JOIN ss.spans AS sp`;
}

// The label pre-filter (personal-data.ts `mayHoldPersonal`): an `@` or two digits in a row.
const clean = (col: string) => `NOT match(${col}, '@|[0-9]{2}')`;
const oneOf = (col: string, values: string[]) => `${col} IN ('', ${values.map((v) => `'${v}'`).join(", ")})`;

function stepsSql(tenant: string, spans: string): string {
  return `INSERT INTO steps (tenant_id, workflow, run_id, trace_id, span_id, parent_span_id, step, actor, phase, start_time, end_time,
      status, human_minutes, gen_ai_provider, request_model, prompt_version, input_tokens, output_tokens, origin)
    SELECT '${tenant}', a['workflow.name'], if(a['workflow.run.id'] != '', a['workflow.run.id'], tid), tid, sid, pid, a['workflow.step'],
      if(a['workflow.actor'] = '', 'unknown', a['workflow.actor']), if(a['workflow.phase'] = '', 'live', a['workflow.phase']),
      fromUnixTimestamp64Milli(toInt64(start_ms), 'UTC'), fromUnixTimestamp64Milli(toInt64(end_ms), 'UTC'),
      multiIf(code = 1, 'ok', code = 2, 'error', 'unset'), toFloat64OrZero(a['workflow.human.minutes']), a['gen_ai.provider.name'],
      a['gen_ai.request.model'], a['ai.prompt.version'], toUInt32OrZero(a['gen_ai.usage.input_tokens']),
      toUInt32OrZero(a['gen_ai.usage.output_tokens']), 'otlp'
    FROM (${spans})
    WHERE valid AND a['workflow.step'] != '' AND ${oneOf("a['workflow.actor']", ["ai", "human", "system"])}
      AND ${oneOf("a['workflow.phase']", ["baseline", "live"])} AND ${clean("a['workflow.step']")} AND ${clean("a['gen_ai.request.model']")}
      AND ${clean("a['ai.prompt.version']")} AND ${clean("a['workflow.name']")}`;
}

/** HMAC-SHA256 with a 32-byte key is SHA256((key ⊕ opad) ‖ SHA256((key ⊕ ipad) ‖ value)). */
function hmacSql(key: Buffer, col: string): string {
  const pad = (byte: number) => Buffer.from(Buffer.concat([key, Buffer.alloc(32)]).map((b) => b ^ byte)).toString("hex");
  return `substring(lower(hex(SHA256(concat(unhex('${pad(0x5c)}'), SHA256(concat(unhex('${pad(0x36)}'), ${col})))))), 1, 32)`;
}

function runsSql(tenant: string, spans: string, key: Buffer): string {
  return `INSERT INTO runs (tenant_id, workflow, run_id, trace_id, span_id, phase, start_time, end_time, outcome, subject_hash, origin)
    SELECT '${tenant}', a['workflow.name'], if(a['workflow.run.id'] != '', a['workflow.run.id'], tid), tid, sid,
      if(a['workflow.phase'] = '', 'live', a['workflow.phase']), fromUnixTimestamp64Milli(toInt64(start_ms), 'UTC'),
      fromUnixTimestamp64Milli(toInt64(end_ms), 'UTC'), if(a['workflow.outcome'] != '', a['workflow.outcome'], if(code = 2, 'failed', 'completed')),
      if(a['workflow.subject.id'] = '', '', ${hmacSql(key, "a['workflow.subject.id']")}), 'otlp'
    FROM (${spans})
    WHERE valid AND a['workflow.step'] = '' AND a['workflow.name'] != '' AND ${clean("a['workflow.name']")}
      AND ${oneOf("a['workflow.phase']", ["baseline", "live"])} AND ${oneOf("a['workflow.outcome']", ["completed", "exception", "failed", "cancelled"])}`;
}

const countsSql = (spans: string) =>
  `SELECT request, countIf(valid AND (a['workflow.step'] != '' OR a['workflow.name'] != '')) AS accepted, count() AS spans FROM (${spans}) GROUP BY request`;

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return c.user + c.system;
};

async function main() {
  await withScratchStore("engine-decode", async (db, fileDir) => {
    const schema = path.join(fileDir, "otlp_trace.proto");
    writeFileSync(schema, PROTO);
    const bodies = Array.from({ length: REQUESTS }, (_, n) => requestBody(n));
    const flushes: Uint8Array[][] = [];
    for (let i = 0; i < bodies.length; i += FLUSH) flushes.push(bodies.slice(i, i + FLUSH));
    const tenantKey = createHmac("sha256", SECRET).update("plumbline:subject:engine").digest();

    // The SQL spelling of the keyed hash must give privacy.ts's answer.
    const probe = await db.query(`SELECT ${hmacSql(tenantKey, "'matter-1'")} AS h`, {}, z.object({ h: z.string() }));
    if (probe[0]?.h !== tenantHasher(SECRET, "engine")("matter-1")) throw new Error("the SQL HMAC differs from privacy.ts");

    const today = async (tenant: string, flush: Uint8Array[]) => {
      const mapped = flush.map((body) => mapRequest({ channel: "otlp-traces", body, encoding: "protobuf", tenantId: tenant, allowed: [], secret: SECRET, nowMs: Date.now() }));
      const encoded = mapped.map((m) => (m.ok ? m.encoded : {}));
      await commitEncoded(db, gatherEncoded(encoded));
    };
    const engine = async (tenant: string, flush: Uint8Array[], n: number) => {
      const file = path.join(fileDir, `flush-${tenant}-${n}.pb`);
      writeFileSync(file, Buffer.concat(flush.flatMap((b) => [varint(b.length), b])));
      const spans = spansSql(file, schema);
      await db.query(countsSql(spans), {}, z.object({ request: z.coerce.number(), accepted: z.coerce.number() }));
      await Promise.all([db.command(stepsSql(tenant, spans)), db.command(runsSql(tenant, spans, tenantKey))]);
      rmSync(file);
    };
    const decodeOnly = async (flush: Uint8Array[], n: number) => {
      const file = path.join(fileDir, `decode-${n}.pb`);
      writeFileSync(file, Buffer.concat(flush.flatMap((b) => [varint(b.length), b])));
      await db.query(`SELECT count() AS n FROM (${spansSql(file, schema)})`, {}, z.object({ n: z.coerce.number() }));
      rmSync(file);
    };

    // Warm both ways on another tenant first, then time each over every flush, in turns.
    await today("warm-a", flushes[0] ?? []);
    await engine("warm-b", flushes[0] ?? [], -1);
    const cpu = { today: 0, engine: 0, engine_decode: 0 };
    for (const [n, flush] of flushes.entries()) {
      let c0 = process.cpuUsage();
      await today("today", flush);
      cpu.today += cpuSince(c0);
      c0 = process.cpuUsage();
      await engine("engine", flush, n);
      cpu.engine += cpuSince(c0);
      c0 = process.cpuUsage();
      await decodeOnly(flush, n);
      cpu.engine_decode += cpuSince(c0);
    }
    const count = z.object({ t: z.string(), n: z.coerce.number() });
    const stored = await db.query(
      `SELECT tenant_id AS t, count() AS n FROM (SELECT tenant_id FROM runs UNION ALL SELECT tenant_id FROM steps) WHERE tenant_id IN ('today', 'engine') GROUP BY t`,
      {},
      count,
    );
    const spans = REQUESTS * SPANS_PER_REQUEST;
    const us = (v: number) => Number((v / spans).toFixed(2));
    const result = {
      requests: REQUESTS,
      spans_per_flush: FLUSH * SPANS_PER_REQUEST,
      today_cpu_us_per_span: us(cpu.today),
      engine_cpu_us_per_span: us(cpu.engine),
      engine_decode_only_cpu_us_per_span: us(cpu.engine_decode),
      stored: Object.fromEntries(stored.map((r) => [r.t, r.n])),
    };
    console.log(`[bench] CPU µs a span, ${REQUESTS} requests in flushes of ${FLUSH}: today (JS map + Native insert) ${result.today_cpu_us_per_span}, engine-decoded protobuf ${result.engine_cpu_us_per_span} (of which one protobuf read + ARRAY JOIN ${result.engine_decode_only_cpu_us_per_span})`);
    console.log(JSON.stringify(result));
  });
}

runScript(main);
