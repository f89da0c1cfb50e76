/**
 * Protobuf wire-format primitives (varints, fixed-width numbers, length-delimited fields), written from
 * the protobuf encoding specification. Every read is bounds-checked against the end of the enclosing
 * message; anything truncated or impossible throws `WireError`. wire.ts reads OTLP messages with it.
 */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/** Protobuf wire types. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;
/**
 * Recently read short ASCII strings, by their length and a few of their bytes. Attribute keys and most
 * values (step names, models, actors) repeat in every span: handing back the same string skips making
 * one, and a string used as a property key again needs no new lookup in V8's string table. The slot is
 * only a guess; a full compare decides. Hashing every byte (FNV) cost as much as the compare.
 */
const INTERN_BITS = 12;
const interned: (string | undefined)[] = new Array<string | undefined>(1 << INTERN_BITS);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class Reader {
  pos = 0;
  private readonly view: DataView;
  /** The same bytes as a Buffer, for its native latin1 and hex conversions. */
  private readonly bytes: Buffer;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
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
    const len = stop - start;
    if (len === 0) return "";
    // Short ASCII strings (attribute keys, names, models) are most of what OTLP carries: reusing one is
    // cheapest, and making one natively from Latin-1 (the same as ASCII) is faster than a UTF-8 decode.
    if (len <= 64) {
      const buf = this.buf;
      const mix = len ^ (buf[start]! << 4) ^ (buf[stop - 1]! << 11) ^ (buf[start + (len >> 1)]! << 18) ^ (buf[start + (len >> 2)]! << 25);
      const slot = Math.imul(mix ^ buf[stop - 1 - (len >> 2)]!, 0x9e3779b1) >>> (32 - INTERN_BITS);
      const known = interned[slot];
      if (known !== undefined && known.length === len) {
        let j = 0;
        while (j < len && known.charCodeAt(j) === buf[start + j]) j++;
        if (j === len) return known;
      }
      let ascii = true;
      for (let i = start; i < stop; i++) {
        if (buf[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        const made = this.bytes.toString("latin1", start, stop);
        interned[slot] = made;
        return made;
      }
    }
    try {
      return utf8.decode(this.buf.subarray(start, stop));
    } catch {
      throw new WireError(`invalid UTF-8 in a string at byte ${start}`);
    }
  }

  /** Bytes as lowercase hex (trace and span ids). */
  hex(end: number): string {
    const stop = this.span(end);
    const start = this.pos;
    this.pos = stop;
    return this.bytes.toString("hex", start, stop);
  }

  base64(end: number): string {
    const stop = this.span(end);
    const start = this.pos;
    this.pos = stop;
    return this.bytes.toString("base64", start, stop);
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
