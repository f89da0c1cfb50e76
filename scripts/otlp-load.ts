import { randomBytes } from "node:crypto";

/**
 * OTLP/HTTP JSON load for the crash test and the soak benchmark: requests of workflow run spans with
 * unique run ids, so "stored = acknowledged" can be checked run by run.
 */
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

export function runSpansRequest(runIds: readonly string[], nowMs = Date.now()): string {
  const spans = runIds.map((id, i) => {
    const start = BigInt(nowMs - 60_000 - i) * 1_000_000n;
    return {
      traceId: randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      name: "run",
      kind: 1,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 45_000_000_000n).toString(),
      attributes: [str("workflow.name", "soak-intake"), str("workflow.run.id", id), str("workflow.outcome", i % 10 === 0 ? "exception" : "completed")],
      status: { code: 1 },
    };
  });
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [str("service.name", "load")] }, scopeSpans: [{ spans }] }] });
}

export interface PostResult {
  status: number;
  retryAfter: string | null;
}

/** Posts one request; a network error (server gone) is status 0. */
export async function postTraces(url: string, key: string, body: string): Promise<PostResult> {
  try {
    const res = await fetch(`${url}/v1/traces`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get("retry-after") };
  } catch {
    return { status: 0, retryAfter: null };
  }
}
