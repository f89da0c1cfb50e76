import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

/** A file path, the bytes of an upload, or a stream of them (an HTTP body). */
export type ImportSource = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface OpenedSource {
  /** Decompressed bytes (gzip is detected by its magic number, whatever the file name). */
  chunks: AsyncIterable<Buffer>;
  /** SHA-256 of the bytes as given (compressed if gzipped); complete once `chunks` is drained. */
  checksum(): string;
  /** Raw bytes read so far, for progress. */
  bytesRead(): number;
}

function raw(source: ImportSource): AsyncIterable<Uint8Array> {
  if (typeof source === "string") return createReadStream(source, { highWaterMark: 256 * 1024 });
  if (source instanceof Uint8Array) return Readable.from([source]);
  return source;
}

/** Reads a source once, hashing the raw bytes on the way and gunzipping when needed. */
export function openSource(source: ImportSource): OpenedSource {
  const hash = createHash("sha256");
  let bytes = 0;
  let digest: string | undefined;
  async function* tracked(): AsyncGenerator<Buffer> {
    for await (const chunk of raw(source)) {
      const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(b);
      bytes += b.length;
      yield b;
    }
    digest = hash.digest("hex");
  }
  async function* decoded(): AsyncGenerator<Buffer> {
    const it = tracked();
    const first = await it.next();
    if (first.done) return;
    const head = first.value;
    async function* all() {
      yield head;
      yield* it;
    }
    if (head[0] !== 0x1f || head[1] !== 0x8b) {
      yield* all();
      return;
    }
    const gunzip = createGunzip();
    // Errors reach the reader through gunzip itself; a reader that stops early (a preview) must not
    // leave the pipeline's rejection unhandled.
    pipeline(Readable.from(all()), gunzip).catch(() => undefined);
    for await (const chunk of gunzip) yield chunk as Buffer;
  }
  return {
    chunks: decoded(),
    checksum() {
      if (!digest) throw new Error("checksum() read before the source was drained");
      return digest;
    },
    bytesRead: () => bytes,
  };
}

/** The checksum of a whole source without parsing it, to recognise a re-import before staging anything. */
export async function checksumOf(source: string | Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of raw(source)) hash.update(chunk);
  return hash.digest("hex");
}
