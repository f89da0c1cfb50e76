/**
 * The OTLP request bodies bench:ingest sends (and scripts/bench-ingest-map.ts maps): 64 runs of one run
 * span and seven step spans, every id unique, times in the last hour.
 */
import { randomBytes } from "node:crypto";
import { otlpTypes } from "@/ingest/otlp/otlp-schema";

export const SPANS_PER_REQUEST = 512;

/** Request `n`'s body, protobuf-encoded. */
export function requestBody(n: number): Uint8Array {
  const now = Date.now();
  const kv = (key: string, v: string | number | boolean) => ({
    key,
    value: typeof v === "string" ? { stringValue: v } : typeof v === "number" ? { doubleValue: v } : { boolValue: v },
  });
  const spans = [];
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const run = Math.floor(i / 8);
    const start = now - 3_600_000 + ((n * 37 + i) % 3_000_000);
    const isRun = i % 8 === 0;
    spans.push({
      traceId: Buffer.from(`${n.toString(16).padStart(8, "0")}${run.toString(16).padStart(8, "0")}${"0".repeat(15)}1`, "hex"),
      spanId: randomBytes(8),
      name: isRun ? "client-intake" : `step-${i % 8}`,
      kind: 1,
      startTimeUnixNano: String(BigInt(start) * 1_000_000n),
      endTimeUnixNano: String(BigInt(start + 1500 + (i % 50) * 100) * 1_000_000n),
      attributes: isRun
        ? [kv("workflow.name", "client-intake"), kv("workflow.outcome", i % 16 === 0 ? "exception" : "completed"), kv("workflow.subject.id", `matter-${n}-${run}`)]
        : [
            kv("workflow.step", `step-${i % 8}`),
            kv("workflow.actor", i % 3 === 0 ? "human" : "ai"),
            kv("gen_ai.request.model", "gpt-4o"),
            kv("ai.prompt.version", "v3"),
            kv("gen_ai.usage.input_tokens", 800),
            kv("workflow.human.minutes", i % 3 === 0 ? 4.5 : 0),
          ],
      status: { code: 1 },
    });
  }
  const message = otlpTypes.traceRequest.fromObject({
    resourceSpans: [{ resource: { attributes: [kv("service.name", "bench")] }, scopeSpans: [{ spans }] }],
  });
  return otlpTypes.traceRequest.encode(message).finish();
}
