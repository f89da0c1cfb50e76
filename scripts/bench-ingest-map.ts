/**
 * CPU µs a span of each stage of ingest's mapping path, on bench:ingest's request bodies:
 * request key, decode (the wire reader, and protobufjs for comparison), map, Native encode.
 * CPU time, not wall time: less moved by other work on the machine. Each stage runs over the same
 * decoded input `ROUNDS` times after a warm-up; the median round is printed.
 *
 * `node --import tsx scripts/bench-ingest-map.ts [requests]`; the last line is one JSON object.
 */
import { encodeBatch } from "@/ingest/commit";
import { requestKey } from "@/ingest/request-key";
import { attributePolicy } from "@/ingest/otlp/attribute-reader";
import { type OtlpSpan, decodeSpans, decodeSpansProtobufjs } from "@/ingest/otlp/decode";
import { tenantHasher } from "@/ingest/otlp/privacy";
import { type Mapped, spansToRows } from "@/ingest/otlp/spans-to-rows";
import { SPANS_PER_REQUEST, requestBody } from "./bench-ingest-bodies";

const REQUESTS = Number(process.argv[2] ?? 40);
const ROUNDS = 7;

function cpuUs(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

/** Median CPU µs a span of `stage` applied to every input, after one untimed pass. */
function measure<T>(inputs: readonly T[], stage: (input: T) => unknown): number {
  for (const i of inputs) stage(i);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(cpuUs(() => inputs.forEach(stage)) / (inputs.length * SPANS_PER_REQUEST));
  rounds.sort((a, b) => a - b);
  return Number((rounds[Math.floor(ROUNDS / 2)] ?? 0).toFixed(2));
}

const bodies = Array.from({ length: REQUESTS }, (_, n) => requestBody(n));
const ctx = { tenantId: "bench", hash: tenantHasher("bench-secret-0123456789", "bench"), allows: attributePolicy([]), nowMs: Date.now() };
const decoded: OtlpSpan[][] = bodies.map((b) => decodeSpans(b, "protobuf"));
const mapped: Mapped[] = decoded.map((spans) => spansToRows(spans, ctx));

const result = {
  requests: REQUESTS,
  spans_per_request: SPANS_PER_REQUEST,
  key_us: measure(bodies, (b) => requestKey("bench", "otlp-traces", b)),
  decode_wire_us: measure(bodies, (b) => decodeSpans(b, "protobuf")),
  decode_protobufjs_us: measure(bodies, (b) => decodeSpansProtobufjs(b)),
  map_us: measure(decoded, (spans) => spansToRows(spans, ctx)),
  encode_us: measure(mapped, (m) => encodeBatch(m.batch)),
};
console.log(`[bench] CPU µs a span (median of ${ROUNDS} rounds of ${REQUESTS} requests): key ${result.key_us}, decode ${result.decode_wire_us} (protobufjs ${result.decode_protobufjs_us}), map ${result.map_us}, encode ${result.encode_us}`);
console.log(JSON.stringify(result));
