import { z } from "zod";
import { otlpTypes } from "./otlp-schema";
import { nestedTooDeep } from "./json-depth";
import { MAX_DEPTH, readLogsRequest, readTraceRequest } from "./wire";
import { WireError } from "./wire-reader";

/** An attribute value as Plumbline keeps it: arrays and key-value lists become their JSON text. */
export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

/** A span, the same whichever encoding it arrived in. Ids are lowercase hex; times are epoch ms. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startMs: number;
  endMs: number;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Attributes;
  /** The resource's `service.name`: the "source" the ingest-completeness metric is counted by. */
  service: string;
}

export interface OtlpLog {
  timeMs: number;
  traceId: string;
  spanId: string;
  eventName: string;
  attributes: Attributes;
  service: string;
}

/** The payload could not be read at all: the whole request is answered 400 (OTLP spec: not retryable). */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OtlpDecodeError";
  }
}

export type Encoding = "protobuf" | "json";

// ---- protobuf: protobufjs messages (64-bit integers arrive as Long or number, ids as bytes) ----

interface LongLike {
  toNumber(): number;
}
export const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "object" && v !== null ? (v as LongLike).toNumber() : 0);
const hex = (b: unknown): string => (b instanceof Uint8Array && b.length > 0 ? Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex") : "");
/**
 * Epoch nanoseconds (fixed64) to whole milliseconds, exactly: a double cannot hold today's nanosecond
 * timestamps (~1.7e18 > 2^53), so rounding could move an end before its start. With
 * ns = high·2^32 + low and 2^32 = 4294·10^6 + 967296, every intermediate stays below 2^53.
 */
export function nanosToMs(v: unknown): number {
  if (typeof v === "number") return Math.floor(v / 1e6);
  if (typeof v !== "object" || v === null) return 0;
  const { high, low } = v as { high: number; low: number };
  const h = high >>> 0;
  return h * 4294 + Math.floor((h * 967296 + (low >>> 0)) / 1e6);
}

interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] };
  kvlistValue?: { values: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
export interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}

function pbPlain(v: PbAnyValue | null | undefined): unknown {
  if (!v) return null;
  switch (v.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue":
      return num(v.intValue);
    case "doubleValue":
      return v.doubleValue;
    case "arrayValue":
      return (v.arrayValue?.values ?? []).map(pbPlain);
    case "kvlistValue":
      return Object.fromEntries((v.kvlistValue?.values ?? []).map((kv) => [kv.key, pbPlain(kv.value)]));
    case "bytesValue":
      return Buffer.from(v.bytesValue ?? []).toString("base64");
    default:
      return null;
  }
}

function scalar(plain: unknown): AttrValue | undefined {
  if (plain === null || plain === undefined) return undefined;
  if (typeof plain === "string" || typeof plain === "number" || typeof plain === "boolean") return plain;
  return JSON.stringify(plain);
}

export function pbAttributes(kvs: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  if (!kvs) return out;
  for (const kv of kvs) {
    const v = scalar(pbPlain(kv.value));
    if (v !== undefined && kv.key) out[kv.key] = v;
  }
  return out;
}

interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  startTimeUnixNano: unknown;
  endTimeUnixNano: unknown;
  attributes: PbKeyValue[];
  status?: { code: number } | null;
}
interface PbLog {
  timeUnixNano: unknown;
  observedTimeUnixNano: unknown;
  attributes: PbKeyValue[];
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
export interface PbResource {
  resource?: { attributes: PbKeyValue[] } | null;
}

export function serviceOf(attrs: Attributes): string {
  const s = attrs["service.name"];
  return typeof s === "string" ? s : "";
}

export function decodePb<T>(type: typeof otlpTypes.traceRequest, body: Uint8Array): T {
  try {
    // Message objects are read through the interfaces above, which name only fields the schema declares.
    return type.decode(body) as unknown as T;
  } catch (err) {
    throw new OtlpDecodeError(`Malformed protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads a request with the wire reader (wire.ts); anything malformed is a 400, as with protobufjs. */
function readWire<T>(read: (body: Uint8Array) => T, body: Uint8Array): T {
  try {
    return read(body);
  } catch (err) {
    if (err instanceof WireError || err instanceof RangeError) throw new OtlpDecodeError(`Malformed protobuf: ${err.message}`);
    throw err;
  }
}

function decodeSpansPb(body: Uint8Array): OtlpSpan[] {
  return readWire(readTraceRequest, body);
}

function decodeLogsPb(body: Uint8Array): OtlpLog[] {
  return readWire(readLogsRequest, body);
}

/**
 * The same requests read through protobufjs message objects: the reference the wire reader is tested
 * against (decode.test.ts), field by field.
 */
export function decodeSpansProtobufjs(body: Uint8Array): OtlpSpan[] {
  const req = decodePb<{ resourceSpans: (PbResource & { scopeSpans: { spans: PbSpan[] }[] })[] }>(otlpTypes.traceRequest, body);
  const out: OtlpSpan[] = [];
  for (const rs of req.resourceSpans) {
    const service = serviceOf(pbAttributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          statusCode: s.status?.code ?? 0,
          attributes: pbAttributes(s.attributes),
          service,
        });
      }
    }
  }
  return out;
}

export function decodeLogsProtobufjs(body: Uint8Array): OtlpLog[] {
  const req = decodePb<{ resourceLogs: (PbResource & { scopeLogs: { logRecords: PbLog[] }[] })[] }>(otlpTypes.logsRequest, body);
  const out: OtlpLog[] = [];
  for (const rl of req.resourceLogs) {
    const service = serviceOf(pbAttributes(rl.resource?.attributes));
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        out.push({
          timeMs: nanosToMs(r.timeUnixNano) || nanosToMs(r.observedTimeUnixNano),
          traceId: hex(r.traceId),
          spanId: hex(r.spanId),
          eventName: r.eventName,
          attributes: pbAttributes(r.attributes),
          service,
        });
      }
    }
  }
  return out;
}

// ---- OTLP/JSON: lowerCamelCase names, ids as hex strings, 64-bit integers as strings or numbers,
// enums as integers (OTLP spec, "JSON Protobuf Encoding") ----

export const int64 = z.union([z.number(), z.string().regex(/^-?\d{1,20}$/)]).transform(Number);
// Nanosecond times to milliseconds without passing through an imprecise double (see nanosToMs).
export const nanosMs = z
  .union([z.number().nonnegative(), z.string().regex(/^\d{1,20}$/)])
  .transform((v) => (typeof v === "number" ? Math.floor(v / 1e6) : v.length > 6 ? Number(v.slice(0, -6)) : 0));
const hexId = z
  .string()
  .regex(/^[0-9a-fA-F]*$/, "ids are hex strings in OTLP/JSON")
  .transform((s) => s.toLowerCase());
type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: { key: string; value?: JsonAnyValue }[] };
  bytesValue?: string;
};
const jsonAnyValue: z.ZodType<JsonAnyValue, unknown> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]).optional(),
    arrayValue: z.object({ values: z.array(jsonAnyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(z.object({ key: z.string(), value: jsonAnyValue.optional() })).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);

// The depth is checked before the recursive schema runs: a pipe does not go on past a failed check.
const attributeValue = z
  .unknown()
  .check((ctx) => {
    if (nestedTooDeep(ctx.value)) ctx.issues.push({ code: "custom", message: `attribute values nested deeper than ${MAX_DEPTH}`, input: ctx.value });
  })
  .pipe(jsonAnyValue.nullish());
export const jsonKeyValues = z.array(z.object({ key: z.string(), value: attributeValue })).optional();
export const jsonResource = z.object({ attributes: jsonKeyValues }).nullish();

const jsonSpan = z.object({
  traceId: hexId.default(""),
  spanId: hexId.default(""),
  parentSpanId: hexId.default(""),
  name: z.string().default(""),
  startTimeUnixNano: nanosMs.default(0),
  endTimeUnixNano: nanosMs.default(0),
  attributes: jsonKeyValues,
  status: z.object({ code: z.number().int().optional() }).nullish(),
});
const jsonTraces = z.object({
  resourceSpans: z
    .array(z.object({ resource: jsonResource, scopeSpans: z.array(z.object({ spans: z.array(jsonSpan).default([]) })).default([]) }))
    .default([]),
});
const jsonLog = z.object({
  timeUnixNano: nanosMs.default(0),
  observedTimeUnixNano: nanosMs.default(0),
  attributes: jsonKeyValues,
  traceId: hexId.default(""),
  spanId: hexId.default(""),
  eventName: z.string().default(""),
});
const jsonLogs = z.object({
  resourceLogs: z
    .array(z.object({ resource: jsonResource, scopeLogs: z.array(z.object({ logRecords: z.array(jsonLog).default([]) })).default([]) }))
    .default([]),
});

function jsonPlain(v: JsonAnyValue | null | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return v.intValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(jsonPlain);
  if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, jsonPlain(kv.value)]));
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function jsonAttributes(kvs: { key: string; value?: JsonAnyValue | null }[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) {
    const v = scalar(jsonPlain(kv.value));
    if (v !== undefined && kv.key) out[kv.key] = v;
  }
  return out;
}

/** Attribute depth is bounded above; this keeps any other nesting the schema recurses into a 400. */
function withinStack<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) throw new OtlpDecodeError("Invalid OTLP/JSON: nested too deeply");
    throw err;
  }
}

export function parseJson<S extends z.ZodType>(schema: S, body: Uint8Array): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"));
  } catch (err) {
    throw new OtlpDecodeError(`Malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = withinStack(() => schema.safeParse(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OtlpDecodeError(`Invalid OTLP/JSON at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unexpected shape"}`);
  }
  return parsed.data;
}

function decodeSpansJson(body: Uint8Array): OtlpSpan[] {
  const req = parseJson(jsonTraces, body);
  const out: OtlpSpan[] = [];
  for (const rs of req.resourceSpans) {
    const service = serviceOf(jsonAttributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          startMs: s.startTimeUnixNano,
          endMs: s.endTimeUnixNano,
          statusCode: s.status?.code ?? 0,
          attributes: jsonAttributes(s.attributes),
          service,
        });
      }
    }
  }
  return out;
}

function decodeLogsJson(body: Uint8Array): OtlpLog[] {
  const req = parseJson(jsonLogs, body);
  const out: OtlpLog[] = [];
  for (const rl of req.resourceLogs) {
    const service = serviceOf(jsonAttributes(rl.resource?.attributes));
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        out.push({
          timeMs: r.timeUnixNano || r.observedTimeUnixNano,
          traceId: r.traceId,
          spanId: r.spanId,
          eventName: r.eventName,
          attributes: jsonAttributes(r.attributes),
          service,
        });
      }
    }
  }
  return out;
}

export function decodeSpans(body: Uint8Array, encoding: Encoding): OtlpSpan[] {
  return encoding === "protobuf" ? decodeSpansPb(body) : decodeSpansJson(body);
}

export function decodeLogs(body: Uint8Array, encoding: Encoding): OtlpLog[] {
  return encoding === "protobuf" ? decodeLogsPb(body) : decodeLogsJson(body);
}
