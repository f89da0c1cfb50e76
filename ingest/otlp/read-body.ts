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

/**
 * Reads a request body, refusing more than `limit` bytes before and after decompression, so neither
 * a large upload nor a gzip bomb can exhaust memory.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "identity" && encoding !== "") {
    throw new BodyError(`Unsupported Content-Encoding "${encoding}": send gzip or none`, 415);
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new BodyError(`Body of ${declared} bytes is over the ${limit}-byte limit`, 413);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
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
