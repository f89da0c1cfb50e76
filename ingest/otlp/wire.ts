import type { AttrValue, Attributes, OtlpLog, OtlpSpan } from "./decode";
import { I64, LEN, Reader, VARINT, WireError } from "./wire-reader";

/**
 * A protobuf wire-format reader for the OTLP requests Plumbline receives, written from the protobuf
 * encoding specification and the OTLP field numbers (opentelemetry-proto v1). It reads straight into
 * the spans and logs the mapper wants, where protobufjs builds a message tree first: profiling the
 * ingest process showed decoding as its largest cost after serialization. otlp-schema.ts (protobufjs)
 * still encodes responses, and the decoder tests check both readers agree on every field.
 *
 * Semantics follow the protobuf spec and protobufjs where they matter for stored data: unknown fields
 * are skipped by wire type; a field whose wire type does not match its declaration is skipped like an
 * unknown one; for a repeated singular field the last occurrence wins; strings must be valid UTF-8.
 * Anything truncated or impossible throws `WireError` (wire-reader.ts).
 */

/**
 * AnyValue can nest (arrays, key-value lists); deeper than this is refused rather than recursed. The
 * OTLP/JSON reader (decode.ts) refuses at the same depth, so both encodings accept the same requests.
 */
export const MAX_DEPTH = 32;
/** AnyValue → what decode.ts's `scalar(pbPlain(...))` gives: scalars as they are, structures as JSON text. */
function anyValue(r: Reader, end: number, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new WireError(`attribute values nested deeper than ${MAX_DEPTH}`);
  let value: unknown = null;
  while (r.pos < end) {
    const t = r.tag(end);
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt === LEN) value = r.string(end);
        else r.skip(wt, end);
        break;
      case 2:
        if (wt === VARINT) value = r.int64(end) !== 0;
        else r.skip(wt, end);
        break;
      case 3:
        if (wt === VARINT) value = r.int64(end);
        else r.skip(wt, end);
        break;
      case 4:
        if (wt === I64) value = r.double(end);
        else r.skip(wt, end);
        break;
      case 5:
        if (wt === LEN) value = arrayValue(r, r.span(end), depth + 1);
        else r.skip(wt, end);
        break;
      case 6:
        if (wt === LEN) value = kvlistValue(r, r.span(end), depth + 1);
        else r.skip(wt, end);
        break;
      case 7:
        if (wt === LEN) value = r.base64(end);
        else r.skip(wt, end);
        break;
      default:
        r.skip(wt, end);
    }
  }
  return value;
}

function arrayValue(r: Reader, end: number, depth: number): unknown[] {
  const out: unknown[] = [];
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) out.push(anyValue(r, r.span(end), depth));
    else r.skip(t & 7, end);
  }
  return out;
}

function kvlistValue(r: Reader, end: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) {
      const [key, value] = keyValue(r, r.span(end), depth);
      out[key] = value;
    } else r.skip(t & 7, end);
  }
  return out;
}

function keyValue(r: Reader, end: number, depth: number): [string, unknown] {
  let key = "";
  let value: unknown = null;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) key = r.string(end);
    else if (t === ((2 << 3) | LEN)) value = anyValue(r, r.span(end), depth);
    else r.skip(t & 7, end);
  }
  return [key, value];
}

/**
 * One KeyValue into `out`, as decode.ts does: empty keys and empty values are dropped. Reads the pair in
 * place rather than through `keyValue`: this runs for every attribute of every span.
 */
function attribute(r: Reader, end: number, out: Attributes): void {
  let key = "";
  let value: unknown = null;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) key = r.string(end);
    else if (t === ((2 << 3) | LEN)) value = anyValue(r, r.span(end), 0);
    else r.skip(t & 7, end);
  }
  if (value === null || !key) return;
  out[key] = typeof value === "object" ? JSON.stringify(value) : (value as AttrValue);
}

/** Resource → its `service.name` (the only resource attribute Plumbline keeps). */
function resourceService(r: Reader, end: number): string {
  const attrs: Attributes = {};
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) attribute(r, r.span(end), attrs);
    else r.skip(t & 7, end);
  }
  const s = attrs["service.name"];
  return typeof s === "string" ? s : "";
}

function status(r: Reader, end: number): number {
  let code = 0;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((3 << 3) | VARINT)) code = r.int64(end) | 0;
    else r.skip(t & 7, end);
  }
  return code;
}

function span(r: Reader, end: number, service: string): OtlpSpan {
  const s: OtlpSpan = { traceId: "", spanId: "", parentSpanId: "", name: "", startMs: 0, endMs: 0, statusCode: 0, attributes: {}, service };
  while (r.pos < end) {
    const t = r.tag(end);
    switch (t) {
      case (1 << 3) | LEN:
        s.traceId = r.hex(end);
        break;
      case (2 << 3) | LEN:
        s.spanId = r.hex(end);
        break;
      case (4 << 3) | LEN:
        s.parentSpanId = r.hex(end);
        break;
      case (5 << 3) | LEN:
        s.name = r.string(end);
        break;
      case (7 << 3) | I64:
        s.startMs = r.nanosToMs(end);
        break;
      case (8 << 3) | I64:
        s.endMs = r.nanosToMs(end);
        break;
      case (9 << 3) | LEN:
        attribute(r, r.span(end), s.attributes);
        break;
      case (15 << 3) | LEN:
        s.statusCode = status(r, r.span(end));
        break;
      default:
        r.skip(t & 7, end);
    }
  }
  return s;
}

/**
 * A ResourceSpans or ResourceLogs: the resource may come after its scopes on the wire, so the scopes'
 * byte ranges are noted first and read once the service is known.
 */
function resourceEntries(r: Reader, end: number): { service: string; scopes: [number, number][] } {
  let service = "";
  const scopes: [number, number][] = [];
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === ((1 << 3) | LEN)) {
      service = resourceService(r, r.span(end));
    } else if (t === ((2 << 3) | LEN)) {
      const stop = r.span(end);
      scopes.push([r.pos, stop]);
      r.pos = stop;
    } else r.skip(t & 7, end);
  }
  return { service, scopes };
}

/**
 * An Export*ServiceRequest: field 1 repeats a resource entry, whose scopes (field 2) each repeat an
 * item (field 2: a span or a log record), read by `item` once the entry's service is known.
 */
function readRequest<T>(body: Uint8Array, item: (r: Reader, end: number, service: string) => T): T[] {
  const r = new Reader(body);
  const end = body.length;
  const out: T[] = [];
  while (r.pos < end) {
    const t = r.tag(end);
    if (t !== ((1 << 3) | LEN)) {
      r.skip(t & 7, end);
      continue;
    }
    const entryEnd = r.span(end);
    const { service, scopes } = resourceEntries(r, entryEnd);
    for (const [from, to] of scopes) {
      r.pos = from;
      while (r.pos < to) {
        const st = r.tag(to);
        if (st === ((2 << 3) | LEN)) out.push(item(r, r.span(to), service));
        else r.skip(st & 7, to);
      }
    }
    r.pos = entryEnd;
  }
  return out;
}

/** ExportTraceServiceRequest → spans, in wire order. */
export const readTraceRequest = (body: Uint8Array): OtlpSpan[] => readRequest(body, span);

function logRecord(r: Reader, end: number, service: string): OtlpLog {
  let time = 0;
  let observed = 0;
  const log: OtlpLog = { timeMs: 0, traceId: "", spanId: "", eventName: "", attributes: {}, service };
  while (r.pos < end) {
    const t = r.tag(end);
    switch (t) {
      case (1 << 3) | I64:
        time = r.nanosToMs(end);
        break;
      case (11 << 3) | I64:
        observed = r.nanosToMs(end);
        break;
      case (6 << 3) | LEN:
        attribute(r, r.span(end), log.attributes);
        break;
      case (9 << 3) | LEN:
        log.traceId = r.hex(end);
        break;
      case (10 << 3) | LEN:
        log.spanId = r.hex(end);
        break;
      case (12 << 3) | LEN:
        log.eventName = r.string(end);
        break;
      case (5 << 3) | LEN:
        // The body is validated as an AnyValue, as protobufjs does, but Plumbline keeps attributes only.
        anyValue(r, r.span(end), 0);
        break;
      default:
        r.skip(t & 7, end);
    }
  }
  log.timeMs = time || observed;
  return log;
}

/** ExportLogsServiceRequest → log records, in wire order. */
export const readLogsRequest = (body: Uint8Array): OtlpLog[] => readRequest(body, logRecord);
