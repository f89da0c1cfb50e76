import { promisify } from "node:util";
import { gunzip } from "node:zlib";

const gunzipAsync = promisify(gunzip);

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = "BodyError";
  }
}

/** Where a body is read from: a Web Request or a Node request (see handler.ts). */
export interface BodySource {
  header(name: string): string | null;
  /** The body's chunks, or null when there is none. Leaving the loop early must not close the connection. */
  body(): AsyncIterable<Uint8Array> | null;
  /** Throws away what is left of a body refused part-way, so the answer can still be sent. */
  discard?(): void;
}

/**
 * Reads a request body, refusing more than `limit` bytes before and after decompression, so neither
 * a large upload nor a gzip bomb can exhaust memory.
 */
export async function readBody(req: BodySource, limit: number): Promise<Uint8Array> {
  const encoding = (req.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "identity" && encoding !== "") {
    throw new BodyError(`Unsupported Content-Encoding "${encoding}": send gzip or none`, 415);
  }
  const declared = Number(req.header("content-length") ?? "0");
  if (declared > limit) {
    req.discard?.();
    throw new BodyError(`Body of ${declared} bytes is over the ${limit}-byte limit`, 413);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const source = req.body();
  if (source) {
    for await (const value of source) {
      total += value.length;
      if (total > limit) {
        // Leaving the loop cancels a Web stream; a Node request is drained instead.
        req.discard?.();
        throw new BodyError(`Body is over the ${limit}-byte limit`, 413);
      }
      chunks.push(value);
    }
  }
  const raw = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total);
  if (encoding !== "gzip") return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new BodyError(`Decompressed body is over the ${limit}-byte limit`, 413);
    }
    throw new BodyError(`Malformed gzip body: ${err instanceof Error ? err.message : String(err)}`, 400);
  }
}
