import { type Db, StoreError } from "@/clickhouse/client";
import { verifyIngestKey } from "../keys";
import { type BatchWriter, WriterFailed, WriterSaturated, requestKey } from "../writer";
import type { Encoding } from "./decode";
import { type Mapper, MappingUnavailable } from "./map-pool";
import { type MapOutput, mapRequest } from "./map-request";
import { otlpTypes } from "./otlp-schema";
import { BodyError, readBody } from "./read-body";
import { tenantPolicies } from "./tenant-policy";

export type OtlpHandler = (req: Request) => Promise<Response>;

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
}

type Mapped = Extract<MapOutput, { ok: true }>;

interface Signal {
  channel: "otlp-traces" | "otlp-logs";
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

function encodingOf(contentType: string | null): Encoding | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/x-protobuf" ? "protobuf" : type === "application/json" ? "json" : undefined;
}

/** OTLP/HTTP answers in the request's encoding; JSON int64 values are decimal strings (proto3 JSON). */
function reply(status: number, encoding: Encoding, message: object, type: typeof otlpTypes.traceResponse, headers: Record<string, string> = {}) {
  if (encoding === "protobuf") {
    const bytes = type.encode(type.fromObject(message)).finish();
    return new Response(new Uint8Array(bytes), { status, headers: { "content-type": "application/x-protobuf", ...headers } });
  }
  const json = JSON.stringify(message, (k, v: unknown) => (k === "rejectedSpans" || k === "rejectedLogRecords" ? String(v) : v));
  return new Response(json, { status, headers: { "content-type": "application/json", ...headers } });
}

/** Failures carry a google.rpc.Status (OTLP spec, "Failures"); code 3 = INVALID_ARGUMENT, 14 = UNAVAILABLE, 16 = UNAUTHENTICATED. */
function failure(status: number, encoding: Encoding, message: string, retryAfter?: number): Response {
  const code = status === 401 ? 16 : status === 503 || status === 429 ? 14 : 3;
  const headers: Record<string, string> = retryAfter ? { "retry-after": String(retryAfter) } : {};
  return reply(status, encoding, { code, message }, otlpTypes.rpcStatus, headers);
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** The OTLP/HTTP receiver: POST /v1/traces and /v1/logs, protobuf or JSON, gzip or not (DESIGN.md §2). */
export function createOtlpReceiver(o: ReceiverOptions): OtlpReceiver {
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxConcurrent = o.maxConcurrentRequests ?? 64;
  const now = o.now ?? Date.now;
  const policies = tenantPolicies(o.db, o.secret);
  const mapper: Mapper = o.mapper ?? (async (input) => mapRequest(input));
  let active = 0;

  // A store that cannot answer (key lookup, tenant settings) is a retryable outage, not a 500.
  const handle = (signal: Signal): OtlpHandler => async (req) => {
    try {
      return await receive(signal, req);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      console.error(`[ingest] ${err.message}`);
      return failure(503, encodingOf(req.headers.get("content-type")) ?? "json", "Storage is unavailable; retry later", 5);
    }
  };

  const receive = async (signal: Signal, req: Request): Promise<Response> => {
    const encoding = encodingOf(req.headers.get("content-type"));
    const answer = encoding ?? "json";
    if (req.method !== "POST") return failure(405, answer, "Use POST");
    if (!encoding) return failure(415, "json", "Content-Type must be application/x-protobuf or application/json");
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
    if (!auth?.[1]) return failure(401, encoding, "Missing ingest key: send Authorization: Bearer <ingest key> (OTEL_EXPORTER_OTLP_HEADERS)");
    const key = await verifyIngestKey(o.db, auth[1]);
    if (!key) return failure(401, encoding, "Unknown or revoked ingest key");
    if (active >= maxConcurrent) return failure(503, encoding, "Too many requests in progress; retry later", 1);
    active++;
    // The writer holds a batch for requests it knows are on their way (see BatchWriter.announce).
    const arrived = o.writer.announce();
    let mapped: Mapped;
    let body: Uint8Array;
    try {
      body = await readBody(req, maxBody);
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
        committed = o.writer.submit({ key: requestKey(key.tenantId, signal.channel, body), tenantId: key.tenantId, channel: signal.channel, batch: { encoded: mapped.encoded, rows: mapped.rows } });
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

  return { traces: handle(TRACES), logs: handle(LOGS) };
}
