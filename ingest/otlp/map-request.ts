import { type EncodedBatch, encodeBatch } from "../commit";
import { requestKey } from "../request-key";
import { batchSize } from "../rows";
import { attributePolicy } from "./attribute-reader";
import { type Encoding, OtlpDecodeError, decodeLogs, decodeSpans } from "./decode";
import { decodeMetrics } from "./decode-metrics";
import { metricsToRows } from "./metrics-to-rows";
import { logsToRows } from "./logs-to-rows";
import { type Hasher, tenantHasher } from "./privacy";
import { spansToRows } from "./spans-to-rows";

/** The OTLP signals Plumbline receives; each is its own ingest channel. */
export type OtlpChannel = "otlp-traces" | "otlp-logs" | "otlp-metrics";

/** One OTLP request to turn into rows: everything the mapping needs, plain data (it crosses threads). */
export interface MapInput {
  channel: OtlpChannel;
  body: Uint8Array;
  encoding: Encoding;
  tenantId: string;
  /** The tenant's allowed attributes outside the conventions. */
  allowed: readonly string[];
  /** The server secret the tenant's hash key is derived from. */
  secret: string;
  nowMs: number;
}

export type MapOutput =
  | {
      ok: true;
      /** The request's key for the writer (request-key.ts), taken here so the body can move to a mapping thread. */
      key: string;
      encoded: EncodedBatch;
      rows: number;
      accepted: number;
      rejected: number;
      errorMessage: string;
    }
  | { ok: false; message: string };

/**
 * The memory behind `bytes` when they are all of it, so a message can hand it over instead of copying it.
 * Node's small Buffers share a pool and are copied; so is anything shared.
 */
export function movable(bytes: Uint8Array): ArrayBuffer | undefined {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength && b.byteLength > 0 ? b : undefined;
}

// Key derivation and the allow-list matcher, once per tenant and policy rather than per request.
const hashers = new Map<string, Hasher>();
const policies = new Map<string, (name: string) => boolean>();

/** Decodes, maps and encodes one request; a malformed body is `ok: false` with the reason (a 400). */
export function mapRequest(i: MapInput): MapOutput {
  const hashKey = `${i.secret.length}:${i.secret}:${i.tenantId}`;
  let hash = hashers.get(hashKey);
  if (!hash) {
    if (hashers.size > 10_000) hashers.clear();
    hash = tenantHasher(i.secret, i.tenantId);
    hashers.set(hashKey, hash);
  }
  const policyKey = i.allowed.join("\n");
  let allows = policies.get(policyKey);
  if (!allows) {
    if (policies.size > 10_000) policies.clear();
    allows = attributePolicy(i.allowed);
    policies.set(policyKey, allows);
  }
  const ctx = { tenantId: i.tenantId, hash, allows, nowMs: i.nowMs };
  try {
    const m =
      i.channel === "otlp-traces"
        ? spansToRows(decodeSpans(i.body, i.encoding), ctx)
        : i.channel === "otlp-logs"
          ? logsToRows(decodeLogs(i.body, i.encoding), ctx)
          : metricsToRows(decodeMetrics(i.body, i.encoding), ctx);
    const key = requestKey(i.tenantId, i.channel, i.body);
    return { ok: true, key, encoded: encodeBatch(m.batch), rows: batchSize(m.batch), accepted: m.accepted, rejected: m.rejected, errorMessage: m.errorMessage };
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ok: false, message: err.message };
    throw err;
  }
}
