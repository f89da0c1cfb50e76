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
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
/**
 * Recently read short ASCII strings by a hash of their bytes. Attribute keys and most values (step
 * names, models, actors) repeat in every span: handing back the same string skips building one char
 * by char, and a string used as a property key again needs no new lookup in V8's string table.
 */
const INTERN_SLOTS = 4096;
const interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class Reader {
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
    // directly is several times faster than a TextDecoder call per string, and reusing one is faster still.
    if (stop - start <= 64) {
      const buf = this.buf;
      let hash = 0x811c9dc5;
      let i = start;
      for (; i < stop; i++) {
        const c = buf[i]!;
        if (c >= 0x80) break;
        hash = Math.imul(hash ^ c, 0x01000193);
      }
      if (i === stop) {
        const slot = (hash >>> 0) % INTERN_SLOTS;
        const known = interned[slot];
        if (known !== undefined && known.length === stop - start) {
          let same = true;
          for (let j = 0; j < known.length; j++) {
            if (known.charCodeAt(j) !== buf[start + j]) {
              same = false;
              break;
            }
          }
          if (same) return known;
        }
        let ascii = "";
        for (let j = start; j < stop; j++) ascii += String.fromCharCode(buf[j]!);
        interned[slot] = ascii;
        return ascii;
      }
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
