import { describe, expect, it } from "vitest";
import { decodeSpans } from "./decode";
import { otlpTypes } from "./otlp-schema";

const MS = 1_763_700_000_123;
const ns = (offset: bigint) => (BigInt(MS) * 1_000_000n + offset).toString();

function protobuf(start: string, end: string): Uint8Array {
  const span = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: "s", startTimeUnixNano: start, endTimeUnixNano: end };
  return otlpTypes.traceRequest.encode(otlpTypes.traceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })).finish();
}

function json(start: string, end: string): Uint8Array {
  const span = { traceId: "01".repeat(16), spanId: "02".repeat(8), name: "s", startTimeUnixNano: start, endTimeUnixNano: end };
  return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
}

describe("decoding OTLP spans", () => {
  it("converts nanosecond times to milliseconds exactly in protobuf and JSON", () => {
    for (const [body, encoding] of [
      [protobuf(ns(0n), ns(-1000n)), "protobuf"],
      [json(ns(0n), ns(-1000n)), "json"],
    ] as const) {
      const [span] = decodeSpans(body, encoding);
      expect(span?.startMs).toBe(MS);
      expect(span?.endMs).toBe(MS - 1);
    }
  });

  it("reads ids as lowercase hex whatever case OTLP/JSON used", () => {
    const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "5B8EFFF798038103D269B633813FC60C", spanId: "EEE19B7EC3C1B174" }] }] }] }));
    expect(decodeSpans(body, "json")[0]).toMatchObject({ traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174" });
  });

  it("keeps every attribute type: strings, booleans, int64 as string, doubles, arrays as JSON", () => {
    const attributes = [
      { key: "s", value: { stringValue: "x" } },
      { key: "b", value: { boolValue: true } },
      { key: "i", value: { intValue: "42" } },
      { key: "d", value: { doubleValue: 1.5 } },
      { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: 2 }] } } },
    ];
    const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ attributes }] }] }] }));
    expect(decodeSpans(body, "json")[0]?.attributes).toEqual({ s: "x", b: true, i: 42, d: 1.5, a: '["p",2]' });
  });
});
