import { afterAll, describe, expect, it } from "vitest";
import { requestKey } from "../request-key";
import { createMapper, MappingUnavailable } from "./map-pool";
import { type MapInput, mapRequest, movable } from "./map-request";
import { otlpTypes } from "./otlp-schema";

const now = Date.now();
const kv = (key: string, v: string | number) => ({ key, value: typeof v === "string" ? { stringValue: v } : { doubleValue: v } });

/**
 * A run span and a step span, a span without workflow.name (rejected) and an extra attribute; `steps`
 * more step spans make a request that keeps a thread busy for a while.
 */
function request(n: number, steps = 0): Uint8Array {
  const span = (id: string, attributes: object[]) => ({
    traceId: Buffer.from(`${n.toString(16).padStart(8, "0")}${"0".repeat(23)}1`, "hex"),
    spanId: Buffer.from(id, "hex"),
    name: "s",
    startTimeUnixNano: String(BigInt(now - 60_000) * 1_000_000n),
    endTimeUnixNano: String(BigInt(now - 1_000) * 1_000_000n),
    attributes,
  });
  const message = otlpTypes.traceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [kv("service.name", "svc\ttab")] },
        scopeSpans: [
          {
            spans: [
              span("0000000000000001", [kv("workflow.name", "intake"), kv("workflow.subject.id", "client-42"), kv("team", "ops")]),
              span("0000000000000002", [kv("workflow.step", "check"), kv("workflow.actor", "ai"), kv("gen_ai.usage.input_tokens", 800)]),
              span("0000000000000003", [kv("workflow.outcome", "completed")]),
              ...Array.from({ length: steps }, (_, k) => span((k + 4).toString(16).padStart(16, "0"), [kv("workflow.step", "check"), kv("workflow.actor", "ai")])),
            ],
          },
        ],
      },
    ],
  });
  return otlpTypes.traceRequest.encode(message).finish();
}

const input = (body: Uint8Array, allowed: string[] = ["team"]): MapInput => ({
  channel: "otlp-traces",
  body,
  encoding: "protobuf",
  tenantId: "t-map",
  allowed,
  secret: "map-secret-0123456789",
  nowMs: now,
});

/** Encoded payloads as text, to compare what a thread and the JS thread produce. */
const asText = (o: Awaited<ReturnType<typeof mapRequest>>) =>
  o.ok ? { ...o, encoded: Object.fromEntries(Object.entries(o.encoded).map(([k, b]) => [k, b.toString()])) } : o;

const mapper = createMapper(2);
afterAll(() => mapper.close());

describe("mapping threads", () => {
  it("produce exactly the rows, counts and messages of in-process mapping", async () => {
    for (let n = 0; n < 6; n++) {
      const body = request(n);
      const here = mapRequest(input(body));
      const there = await mapper.map(input(body));
      expect(here.ok && here.rejected).toBe(1);
      expect(asText(there)).toEqual(asText(here));
      // The tenant's allow-list reaches the thread: without it the extra attribute is dropped.
      const strict = await mapper.map(input(body, []));
      expect(asText(strict)).toEqual(asText(mapRequest(input(body, []))));
      expect(asText(strict)).not.toEqual(asText(here));
    }
  });

  it("move a body that owns its memory to the thread, copy one that shares it, and key both by their bytes", async () => {
    const bytes = request(7);
    // A body in memory of its own (as a large request body is read) is handed over, not copied.
    const owned = new Uint8Array(bytes);
    expect(movable(owned)).toBeDefined();
    const moved = await mapper.map(input(owned));
    expect(owned.byteLength).toBe(0);
    expect(asText(moved)).toEqual(asText(mapRequest(input(Buffer.from(bytes)))));
    expect(moved.ok && moved.key).toBe(requestKey("t-map", "otlp-traces", bytes));
    // Bytes that are a slice of larger memory (Node's Buffer pool, a socket chunk) stay readable here.
    const shared = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(bytes)]).subarray(3);
    expect(movable(shared)).toBeUndefined();
    const copied = await mapper.map(input(shared));
    expect(Buffer.compare(shared, Buffer.from(bytes))).toBe(0);
    expect(copied.ok && copied.key).toBe(requestKey("t-map", "otlp-traces", bytes));
    // The encoded blocks that come back are whole Buffers the writer can hand to the store.
    for (const block of Object.values(moved.ok ? moved.encoded : {})) expect(Buffer.isBuffer(block)).toBe(true);
  });

  it("answer a malformed body with the decoder's message, for a 400", async () => {
    const out = await mapper.map(input(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f])));
    expect(out.ok).toBe(false);
    expect(out.ok ? "" : out.message).toEqual((mapRequest(input(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]))) as { message: string }).message);
  });

  it("map in-process when asked for no threads", async () => {
    const none = createMapper(0);
    expect(asText(await none.map(input(request(9))))).toEqual(asText(mapRequest(input(request(9)))));
  });

  it("replace a thread that died, failing only what it held", async () => {
    const one = createMapper(1);
    try {
      expect((await one.map(input(request(1)))).ok).toBe(true);
      // Kill the thread under a request in flight: one large enough that the thread is still mapping it
      // when it is killed (a three-span request could be mapped and answered first on a quiet moment).
      const held = one.map(input(request(2, 50_000)));
      await one.close();
      await expect(held).rejects.toThrow(/exited/);
      await expect(held).rejects.toBeInstanceOf(MappingUnavailable);
      expect(asText(await one.map(input(request(3))))).toEqual(asText(mapRequest(input(request(3)))));
    } finally {
      await one.close();
    }
  });
});
