import { randomBytes } from "node:crypto";

/** A span for a test request: its attributes (strings, numbers), and optionally its name. */
export interface TestSpan {
  attributes: Record<string, string | number>;
  name?: string;
}

const value = (v: string | number) => (typeof v === "number" ? { intValue: String(v) } : { stringValue: v });

/**
 * An OTLP/JSON trace request of `spans` from one resource, each with fresh ids and a plausible minute
 * just past, for posting to the receiver in tests.
 */
export function otlpJson(spans: readonly TestSpan[], service = "test-svc"): string {
  const end = Date.now() - 1000;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: randomBytes(16).toString("hex"),
              spanId: randomBytes(8).toString("hex"),
              name: s.name ?? "span",
              startTimeUnixNano: String(BigInt(end - 60_000) * 1_000_000n),
              endTimeUnixNano: String(BigInt(end) * 1_000_000n),
              attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: value(v) })),
            })),
          },
        ],
      },
    ],
  });
}

/** POSTs an OTLP/JSON body to a receiver's /v1/traces (or `path`) with its ingest key. */
export function postOtlp(r: { url: string; key: string }, body: string, path = "/v1/traces"): Promise<Response> {
  return fetch(`${r.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${r.key}` } });
}
