import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** Answers a Node request itself, without a Web Request or Response on the way. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A Web-standard handler, as used by route handlers and the standalone ingest process. One that also
 * carries `node` (the OTLP receiver: handler.ts) is served through it on Node's HTTP server.
 */
export type WebHandler = ((req: Request) => Promise<Response>) & { node?: NodeHandler };

/** Wraps a Node request as a Web Request without buffering the body (handlers enforce their own limits). */
export function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  return new Request(new URL(req.url ?? "/", origin), init);
}

/** Sets headers on a Node response before a handler runs; the handler may still replace them. */
export function setHeaders(res: ServerResponse, headers: readonly { key: string; value: string }[]): void {
  for (const h of headers) res.setHeader(h.key, h.value);
}

/** Writes a Web Response to a Node response, streaming the body. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  if (!response.body) {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
  }
  res.end();
}

export function serveWeb(handler: WebHandler, origin: string): NodeHandler {
  const run: NodeHandler = handler.node ?? (async (req, res) => sendWebResponse(res, await handler(toWebRequest(req, origin))));
  return async (req, res) => {
    try {
      await run(req, res);
    } catch (err) {
      console.error(`request ${req.method} ${req.url} failed:`, err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ error: "internal error" }));
      } else {
        res.destroy();
      }
    }
  };
}
