import type { AttrValue, Attributes, OtlpLog, OtlpSpan } from "./decode";

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
 * Anything truncated or impossible throws `WireError`.
 */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
/** AnyValue can nest (arrays, key-value lists); deeper than this is refused rather than recursed. */
const MAX_DEPTH = 32;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private truncated(): never {
    throw new WireError(`truncated message at byte ${this.pos}`);
  }

  /** A varint that must fit 32 bits unsigned (tags, lengths); longer encodings of it are accepted. */
  uint32(end: number): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= end) this.truncated();
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value > 0xffffffff ? value % 2 ** 32 : value;
    }
    // Bytes 6–10 of a 64-bit varint carry only high bits, which a 32-bit value drops.
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) this.truncated();
      if (this.buf[this.pos++]! < 0x80) return value % 2 ** 32;
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A 64-bit two's-complement varint as a number (like Long#toNumber: exact up to 2^53). */
  int64(end: number): number {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.truncated();
      const b = this.buf[this.pos++]!;
      const bits = b & 0x7f;
      if (i < 4) lo += bits * 2 ** (7 * i);
      else if (i === 4) {
        lo += (bits & 0x0f) * 2 ** 28;
        hi += bits >> 4;
      } else hi += bits * 2 ** (7 * i - 32);
      if (b < 0x80) {
        hi = hi % 2 ** 32;
        return hi >= 2 ** 31 ? (hi - 2 ** 32) * 2 ** 32 + lo : hi * 2 ** 32 + lo;
      }
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** fixed64 epoch nanoseconds to whole milliseconds, exactly (see nanosToMs in decode.ts). */
  nanosToMs(end: number): number {
    if (this.pos + 8 > end) this.truncated();
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  }

  double(end: number): number {
    if (this.pos + 8 > end) this.truncated();
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The end offset of a length-delimited field starting here. */
  span(end: number): number {
    const len = this.uint32(end);
    const stop = this.pos + len;
    if (stop > end) this.truncated();
    return stop;
  }

  string(end: number): string {
    const stop = this.span(end);
    const start = this.pos;
    this.pos = stop;
    if (stop === start) return "";
    // Short ASCII strings (attribute keys, names, models) are most of what OTLP carries: building them
    // directly is several times faster than a TextDecoder call per string.
    if (stop - start <= 64) {
      let ascii = "";
      let i = start;
      for (; i < stop; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) break;
        ascii += String.fromCharCode(c);
      }
      if (i === stop) return ascii;
    }
    try {
      return utf8.decode(this.buf.subarray(start, stop));
    } catch {
      throw new WireError(`invalid UTF-8 in a string at byte ${start}`);
    }
  }

  hex(end: number): string {
    const stop = this.span(end);
    const start = this.pos;
    this.pos = stop;
    if (stop - start > 32) return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, stop - start).toString("hex");
    // Trace and span ids (16 and 8 bytes): a table lookup per byte beats a Buffer per id.
    let out = "";
    for (let i = start; i < stop; i++) out += HEX[this.buf[i]!]!;
    return out;
  }

  base64(end: number): string {
    const stop = this.span(end);
    const start = this.pos;
    this.pos = stop;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, stop - start).toString("base64");
  }

  skip(wireType: number, end: number): void {
    switch (wireType) {
      case VARINT:
        this.int64(end);
        return;
      case I64:
        if (this.pos + 8 > end) this.truncated();
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.span(end);
        return;
      case I32:
        if (this.pos + 4 > end) this.truncated();
        this.pos += 4;
        return;
      default:
        // 3 and 4 are the deprecated groups, 6 and 7 do not exist: nothing OTLP sends.
        throw new WireError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  /** Reads a tag; returns field number × 8 + wire type (the raw tag), or throws on field 0. */
  tag(end: number): number {
    const t = this.uint32(end);
    if (t >>> 3 === 0) throw new WireError(`field number 0 at byte ${this.pos}`);
    return t;
  }
}

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

/** One KeyValue into `out`, as decode.ts does: empty keys and empty values are dropped. */
function attribute(r: Reader, end: number, out: Attributes): void {
  const [key, plain] = keyValue(r, end, 0);
  if (plain === null || plain === undefined || !key) return;
  out[key] =
    typeof plain === "string" || typeof plain === "number" || typeof plain === "boolean" ? (plain as AttrValue) : JSON.stringify(plain);
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
