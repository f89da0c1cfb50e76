import type { IncomingMessage } from "node:http";
import { type Db, StoreError } from "@/clickhouse/client";
import type { NodeHandler, WebHandler } from "@/server/node-adapter";
import { verifyIngestKey } from "../keys";
import { type BatchWriter, WriterFailed, WriterSaturated } from "../writer";
import type { Encoding } from "./decode";
import { type Mapper, MappingUnavailable } from "./map-pool";
import { type MapOutput, type OtlpChannel, mapRequest } from "./map-request";
import { otlpTypes } from "./otlp-schema";
import { BodyError, type BodySource, readBody } from "./read-body";
import { tenantPolicies } from "./tenant-policy";

/** A request as the receiver reads it, from a Web Request (route handlers, tests) or a Node request. */
interface OtlpInput extends BodySource {
  method: string;
}

/** An answer before it is written out as a Web Response or onto a Node response. */
interface OtlpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/**
 * A Web-standard handler whose `node` serves the same receiver straight from Node's HTTP server
 * (serveWeb uses it), so no Web Request, body stream or Response is built for the OTLP ports.
 */
export type OtlpHandler = WebHandler;

export interface ReceiverOptions {
  db: Db;
  writer: BatchWriter;
  /** The server secret tenant hash keys are derived from (subject ids). */
  secret: string;
  /** Largest body accepted, compressed or not. */
  maxBodyBytes?: number;
  /** Requests being read and decoded at once; beyond it, 503 before the body is read (bounded memory). */
  maxConcurrentRequests?: number;
  now?: () => number;
  /** Decodes, maps and encodes a request (map-pool.ts: on mapping threads); in-process by default. */
  mapper?: Mapper;
}

export interface OtlpReceiver {
  traces: OtlpHandler;
  logs: OtlpHandler;
  metrics: OtlpHandler;
}

type Mapped = Extract<MapOutput, { ok: true }>;

interface Signal {
  channel: OtlpChannel;
  response(m: Mapped): { [k: string]: unknown };
  responseType: typeof otlpTypes.traceResponse;
}

const TRACES: Signal = {
  channel: "otlp-traces",
  response: (m) => (m.rejected ? { partialSuccess: { rejectedSpans: m.rejected, errorMessage: m.errorMessage } } : {}),
  responseType: otlpTypes.traceResponse,
};
const LOGS: Signal = {
  channel: "otlp-logs",
  response: (m) => (m.rejected ? { partialSuccess: { rejectedLogRecords: m.rejected, errorMessage: m.errorMessage } } : {}),
  responseType: otlpTypes.logsResponse,
};

const METRICS: Signal = {
  channel: "otlp-metrics",
  response: (m) => (m.rejected ? { partialSuccess: { rejectedDataPoints: m.rejected, errorMessage: m.errorMessage } } : {}),
  responseType: otlpTypes.metricsResponse,
};

function encodingOf(contentType: string | null): Encoding | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/x-protobuf" ? "protobuf" : type === "application/json" ? "json" : undefined;
}

/** OTLP/HTTP answers in the request's encoding; JSON int64 values are decimal strings (proto3 JSON). */
function reply(status: number, encoding: Encoding, message: object, type: typeof otlpTypes.traceResponse, headers: Record<string, string> = {}): OtlpAnswer {
  if (encoding === "protobuf") {
    const bytes = type.encode(type.fromObject(message)).finish();
    return { status, headers: { "content-type": "application/x-protobuf", ...headers }, body: bytes };
  }
  const json = JSON.stringify(message, (k, v: unknown) => (k === "rejectedSpans" || k === "rejectedLogRecords" || k === "rejectedDataPoints" ? String(v) : v));
  return { status, headers: { "content-type": "application/json", ...headers }, body: json };
}

/** Failures carry a google.rpc.Status (OTLP spec, "Failures"); code 3 = INVALID_ARGUMENT, 14 = UNAVAILABLE, 16 = UNAUTHENTICATED. */
function failure(status: number, encoding: Encoding, message: string, retryAfter?: number): OtlpAnswer {
  const code = status === 401 ? 16 : status === 503 || status === 429 ? 14 : 3;
  const headers: Record<string, string> = retryAfter ? { "retry-after": String(retryAfter) } : {};
  return reply(status, encoding, { code, message }, otlpTypes.rpcStatus, headers);
}

function fromWeb(req: Request): OtlpInput {
  return {
    method: req.method,
    header: (name) => req.headers.get(name),
    body: () => (req.body as unknown as AsyncIterable<Uint8Array> | null) ?? null,
  };
}

function fromNode(req: IncomingMessage): OtlpInput {
  return {
    method: req.method ?? "GET",
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : (v ?? null);
    },
    body: () => req.iterator({ destroyOnReturn: false }),
    // A 'data' listener switches the request to flowing mode once the body loop's 'readable' listener
    // is gone (resume() alone is ignored while one is attached), and drops what is left.
    discard: () => void req.on("data", () => undefined).resume(),
  };
}

/** How long an early answer waits for the rest of a refused body before it is sent anyway. */
const DRAIN_MS = 10_000;

/**
 * Waits, throwing the bytes away, until a request's body has all arrived, at most `maxBytes` more or
 * DRAIN_MS. A refusal (503 before the body is read, 413) answered while the sender is still uploading
 * was followed by Node closing a `Connection: close` socket with bytes unread, which the kernel answers
 * with a reset: a sender that writes its whole body before reading (curl, Python's http clients) got
 * EPIPE or ECONNRESET instead of the 503, and on a real network the reset can drop the answer itself.
 */
function bodyDrained(req: IncomingMessage, maxBytes: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      req.off("data", onData).off("end", finish).off("close", finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish();
    };
    const timer = setTimeout(finish, DRAIN_MS);
    req.on("data", onData).once("end", finish).once("close", finish);
    req.resume();
  });
}

function toWeb(a: OtlpAnswer): Response {
  return new Response(typeof a.body === "string" ? a.body : new Uint8Array(a.body), { status: a.status, headers: a.headers });
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** The OTLP/HTTP receiver: POST /v1/traces, /v1/logs and /v1/metrics, protobuf or JSON, gzip or not (DESIGN.md §2). */
export function createOtlpReceiver(o: ReceiverOptions): OtlpReceiver {
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxConcurrent = o.maxConcurrentRequests ?? 64;
  const now = o.now ?? Date.now;
  const policies = tenantPolicies(o.db, o.secret);
  const mapper: Mapper = o.mapper ?? (async (input) => mapRequest(input));
  let active = 0;

  // A store that cannot answer (key lookup, tenant settings) is a retryable outage, not a 500.
  const handle = async (signal: Signal, input: OtlpInput): Promise<OtlpAnswer> => {
    try {
      return await receive(signal, input);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      console.error(`[ingest] ${err.message}`);
      return failure(503, encodingOf(input.header("content-type")) ?? "json", "Storage is unavailable; retry later", 5);
    }
  };

  const serve = (signal: Signal): OtlpHandler => {
    const web = async (req: Request) => toWeb(await handle(signal, fromWeb(req)));
    // Errors other than a store outage propagate to serveWeb, which answers 500.
    const node: NodeHandler = async (req, res) => {
      const a = await handle(signal, fromNode(req));
      await bodyDrained(req, maxBody);
      res.statusCode = a.status;
      for (const [k, v] of Object.entries(a.headers)) res.setHeader(k, v);
      res.end(a.body);
    };
    return Object.assign(web, { node });
  };

  const receive = async (signal: Signal, req: OtlpInput): Promise<OtlpAnswer> => {
    const encoding = encodingOf(req.header("content-type"));
    const answer = encoding ?? "json";
    if (req.method !== "POST") return failure(405, answer, "Use POST");
    if (!encoding) return failure(415, "json", "Content-Type must be application/x-protobuf or application/json");
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.header("authorization") ?? "");
    if (!auth?.[1]) return failure(401, encoding, "Missing ingest key: send Authorization: Bearer <ingest key> (OTEL_EXPORTER_OTLP_HEADERS)");
    const key = await verifyIngestKey(o.db, auth[1]);
    if (!key) return failure(401, encoding, "Unknown or revoked ingest key");
    if (active >= maxConcurrent) return failure(503, encoding, "Too many requests in progress; retry later", 1);
    active++;
    // The writer holds a batch for requests it knows are on their way (see BatchWriter.announce).
    const arrived = o.writer.announce();
    let mapped: Mapped;
    try {
      // The body may move to a mapping thread (map-pool.ts): it is not read here after mapping.
      const body = await readBody(req, maxBody);
      const policy = await policies(key.tenantId);
      const out = await mapper({ channel: signal.channel, body, encoding, tenantId: key.tenantId, allowed: policy.allowed, secret: o.secret, nowMs: now() });
      if (!out.ok) {
        arrived();
        return failure(400, encoding, out.message);
      }
      mapped = out;
    } catch (err) {
      arrived();
      if (err instanceof BodyError) return failure(err.status, encoding, err.message);
      if (err instanceof MappingUnavailable) {
        console.error(`[ingest] ${err.message}`);
        return failure(503, encoding, "Could not process the request now; retry later", 1);
      }
      throw err;
    } finally {
      active--;
    }
    try {
      let committed: Promise<unknown>;
      try {
        committed = o.writer.submit({ key: mapped.key, tenantId: key.tenantId, channel: signal.channel, batch: { encoded: mapped.encoded, rows: mapped.rows } });
      } finally {
        // Queued (or refused) by now: the writer may flush without waiting for this request any longer.
        arrived();
      }
      await committed;
    } catch (err) {
      if (err instanceof WriterSaturated) return failure(503, encoding, err.message, err.retryAfterSeconds);
      if (err instanceof WriterFailed) {
        console.error(`[ingest] ${err.message}`);
        return failure(503, encoding, "Storage is unavailable; retry later", err.retryAfterSeconds);
      }
      throw err;
    }
    return reply(200, encoding, signal.response(mapped), signal.responseType);
  };

  return { traces: serve(TRACES), logs: serve(LOGS), metrics: serve(METRICS) };
}
