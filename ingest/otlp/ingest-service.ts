import http from "node:http";
import type { Db } from "@/clickhouse/client";
import { serveWeb } from "@/server/node-adapter";
import { type BatchWriter, type WriterOptions, createBatchWriter } from "../writer";
import { type OtlpHandler, createOtlpReceiver } from "./handler";
import { createMapper } from "./map-pool";
import { resolveServerSecret } from "./server-secret";

export interface IngestService {
  /** The standard OTLP/HTTP paths and their handlers. */
  routes: Map<string, OtlpHandler>;
  writer: BatchWriter;
}

export interface IngestServiceOptions {
  secret: string;
  maxBodyBytes?: number;
  writer?: Partial<WriterOptions>;
  /** Threads that decode and map requests beside the JS thread (map-pool.ts); 0 maps in-process. */
  mapThreads?: number;
}

/** The ingest variables of server/env.ts, read structurally so ingest/ does not depend on server/. */
export interface IngestEnv {
  PLUMBLINE_SECRET?: string;
  PLUMBLINE_INGEST_BATCH_ROWS: number;
  PLUMBLINE_INGEST_FLUSH_MS: number;
  PLUMBLINE_INGEST_LINGER_MS: number;
  PLUMBLINE_INGEST_MAX_QUEUED_ROWS: number;
  PLUMBLINE_INGEST_MAX_BODY_BYTES: number;
  PLUMBLINE_INGEST_MAP_THREADS: number;
}

/** Options from the environment; `dataDir` (embedded mode) is where a generated secret is kept. */
export function ingestOptions(e: IngestEnv, dataDir: string | undefined): IngestServiceOptions {
  return {
    secret: resolveServerSecret({ secret: e.PLUMBLINE_SECRET, dataDir }),
    maxBodyBytes: e.PLUMBLINE_INGEST_MAX_BODY_BYTES,
    mapThreads: e.PLUMBLINE_INGEST_MAP_THREADS,
    writer: {
      maxBatchRows: e.PLUMBLINE_INGEST_BATCH_ROWS,
      flushIntervalMs: e.PLUMBLINE_INGEST_FLUSH_MS,
      lingerMs: e.PLUMBLINE_INGEST_LINGER_MS,
      maxQueuedRows: e.PLUMBLINE_INGEST_MAX_QUEUED_ROWS,
    },
  };
}

export function createIngestService(db: Db, o: IngestServiceOptions): IngestService {
  const writer = createBatchWriter(db, o.writer);
  const mapper = createMapper(o.mapThreads ?? 2);
  const receiver = createOtlpReceiver({ db, writer, secret: o.secret, maxBodyBytes: o.maxBodyBytes, mapper: mapper.map });
  return {
    routes: new Map([
      ["/v1/traces", receiver.traces],
      ["/v1/logs", receiver.logs],
      ["/v1/metrics", receiver.metrics],
    ]),
    writer,
  };
}

/**
 * How long an idle keep-alive connection stays open. Node closes it after 5 s, but a refused sender
 * comes back after its Retry-After and backoff (1, 2, 4, 8 s…) on the connection it pooled, and the
 * senders that ignore the Keep-Alive hint (Go, Java, Python pools) write their retry into a connection
 * the server has just closed: they see a reset where the server meant a 503 (issue 24, finding 8).
 * Longer than such a backoff and than common load balancers' 60 s.
 */
export const KEEP_ALIVE_MS = 65_000;

/** Keeps idle connections open for retries (KEEP_ALIVE_MS); headers must be allowed longer than that. */
export function keepAliveForRetries(server: http.Server): http.Server {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = Math.max(server.headersTimeout, KEEP_ALIVE_MS + 1_000);
  return server;
}

/** A plain HTTP server for the OTLP paths only (port 4318, or the standalone `npm run ingest`). */
export function otlpHttpServer(routes: Map<string, OtlpHandler>): http.Server {
  const serve = new Map([...routes.values()].map((h) => [h, serveWeb(h, "http://localhost")]));
  return keepAliveForRetries(http.createServer((req, res) => {
    const handler = routes.get((req.url ?? "/").split("?")[0] ?? "/");
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 5, message: "Not found: use /v1/traces, /v1/logs or /v1/metrics" }));
      return;
    }
    void serve.get(handler)?.(req, res);
  }));
}

/** Listens, or logs why not: a taken port must not stop the dashboard from starting. */
export function listenOrLog(server: http.Server, port: number, host: string, log: (line: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      log(`OTLP/HTTP port ${port} not opened (${err.code ?? err.message}); ingest stays available on the main port`);
      resolve(false);
    });
    server.listen(port, host, () => resolve(true));
  });
}
