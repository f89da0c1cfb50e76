import { describe, expect, it } from "vitest";
import { OtlpDecodeError, decodeLogs, decodeLogsProtobufjs, decodeSpans, decodeSpansProtobufjs } from "./decode";
import { seededRandom } from "@/metrics/stats";
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

  it("reads back every short string exactly when thousands of them share the reader's string cache", () => {
    // 6,000 distinct names and values, each repeated, alternating with common ones: more strings than
    // cache slots, so some must land in the same slot, and a reused string must still match its bytes.
    const names = Array.from({ length: 6_000 }, (_, i) => `step-${(i * 7919) % 6_000}`);
    const spans = names.flatMap((name, i) =>
      [name, `${name}x`.slice(0, 5 + (i % 4)), "é-not-ascii"].map((value, j) => ({
        traceId: Buffer.alloc(16, 1),
        spanId: Buffer.alloc(8, 2),
        name,
        startTimeUnixNano: ns(0n),
        endTimeUnixNano: ns(1n),
        attributes: [
          { key: "workflow.step", value: { stringValue: value } },
          { key: j % 2 ? `k${i % 97}` : "gen_ai.request.model", value: { stringValue: j % 2 ? name : "gpt-4o" } },
        ],
      })),
    );
    const body = otlpTypes.traceRequest.encode(otlpTypes.traceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish();
    for (let pass = 0; pass < 2; pass++) {
      const got = decodeSpans(body, "protobuf").map((s) => ({ name: s.name, attributes: s.attributes }));
      expect(got).toEqual(decodeSpansProtobufjs(body).map((s) => ({ name: s.name, attributes: s.attributes })));
      expect(got.filter((_, k) => k % 3 === 0).map((s) => s.name)).toEqual(names);
    }
  });

  it("tells apart short strings that differ in a single byte, whichever byte the cache slot looks at", () => {
    // For every length the cache takes (1–64) and every position: the string and the same string with
    // that one byte changed, read in turns, so each lands where the other may have been kept.
    const names: string[] = [];
    for (let len = 1; len <= 64; len++) {
      const base = Array.from({ length: len }, (_, i) => String.fromCharCode(97 + ((i * 5 + len) % 26)));
      for (let at = 0; at < len; at++) {
        const changed = [...base];
        changed[at] = changed[at] === "z" ? "y" : "z";
        names.push(base.join(""), changed.join(""));
      }
    }
    const spans = names.map((name) => ({
      traceId: Buffer.alloc(16, 1),
      spanId: Buffer.alloc(8, 2),
      name,
      startTimeUnixNano: ns(0n),
      endTimeUnixNano: ns(1n),
      attributes: [{ key: name, value: { stringValue: name } }],
    }));
    const body = otlpTypes.traceRequest.encode(otlpTypes.traceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish();
    for (let pass = 0; pass < 2; pass++) {
      const got = decodeSpans(body, "protobuf");
      expect(got.map((s) => s.name)).toEqual(names);
      expect(got.map((s) => s.attributes)).toEqual(names.map((n) => ({ [n]: n })));
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

// Seeded, so a failure names a reproducible case.
const rng = seededRandom;

describe("the wire reader agrees with protobufjs", () => {
  const strings = ["", "client-intake", "ä中😀", "a".repeat(300), "workflow.name"];
  function anyValue(r: () => number, depth: number): object {
    const pick = Math.floor(r() * (depth > 2 ? 5 : 7));
    if (pick === 0) return { stringValue: strings[Math.floor(r() * strings.length)] };
    if (pick === 1) return { boolValue: r() < 0.5 };
    if (pick === 2) return { intValue: [0, 1, -1, 42, -2_147_483_649, 9_007_199_254_740_991, -9_007_199_254_740_991][Math.floor(r() * 7)] };
    if (pick === 3) return { doubleValue: [0, -0.5, 1e300, Math.PI][Math.floor(r() * 4)] };
    if (pick === 4) return { bytesValue: Buffer.from(strings[Math.floor(r() * strings.length)]!) };
    if (pick === 5) return { arrayValue: { values: Array.from({ length: Math.floor(r() * 3) }, () => anyValue(r, depth + 1)) } };
    return { kvlistValue: { values: Array.from({ length: Math.floor(r() * 3) }, (_, i) => ({ key: `k${i % 2}`, value: anyValue(r, depth + 1) })) } };
  }
  const attributes = (r: () => number) =>
    Array.from({ length: Math.floor(r() * 6) }, (_, i) => (r() < 0.1 ? { key: `empty${i}` } : { key: r() < 0.1 ? "" : `attr.${i % 4}`, value: anyValue(r, 0) }));
  const id = (r: () => number, n: number) => (r() < 0.1 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256))));
  const nanos = (r: () => number) => (BigInt(Math.floor(r() * 2 ** 41)) * 1_000_000n + BigInt(Math.floor(r() * 1e6))).toString();

  it("on 300 random trace requests, field by field", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const request = {
        resourceSpans: Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
          ...(r() < 0.8 ? { resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${Math.floor(r() * 3)}` } }, ...attributes(r)] } } : {}),
          scopeSpans: Array.from({ length: Math.floor(r() * 3) }, () => ({
            spans: Array.from({ length: Math.floor(r() * 4) }, () => ({
              traceId: id(r, 16),
              spanId: id(r, 8),
              parentSpanId: id(r, 8),
              name: strings[Math.floor(r() * strings.length)],
              kind: Math.floor(r() * 6),
              startTimeUnixNano: nanos(r),
              endTimeUnixNano: nanos(r),
              attributes: attributes(r),
              ...(r() < 0.7 ? { status: { code: Math.floor(r() * 3), message: "m" } } : {}),
            })),
          })),
        })),
      };
      const body = otlpTypes.traceRequest.encode(otlpTypes.traceRequest.fromObject(request)).finish();
      expect(decodeSpans(body, "protobuf"), `seed ${seed}`).toEqual(decodeSpansProtobufjs(body));
    }
  });

  it("on random log requests", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const request = {
        resourceLogs: Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({
          resource: { attributes: attributes(r) },
          scopeLogs: [
            {
              logRecords: Array.from({ length: Math.floor(r() * 4) }, () => ({
                ...(r() < 0.7 ? { timeUnixNano: nanos(r) } : {}),
                observedTimeUnixNano: nanos(r),
                body: anyValue(r, 0),
                attributes: attributes(r),
                traceId: id(r, 16),
                spanId: id(r, 8),
                eventName: strings[Math.floor(r() * strings.length)],
              })),
            },
          ],
        })),
      };
      const body = otlpTypes.logsRequest.encode(otlpTypes.logsRequest.fromObject(request)).finish();
      expect(decodeLogs(body, "protobuf"), `seed ${seed}`).toEqual(decodeLogsProtobufjs(body));
    }
  });

  it("skips unknown fields, reads a resource that follows its scopes, and lets the last resource win", () => {
    const span = otlpTypes.traceRequest.lookupType("Span");
    const spanBytes = Buffer.concat([
      span.encode(span.fromObject({ traceId: Buffer.alloc(16, 7), spanId: Buffer.alloc(8, 8), name: "x" })).finish(),
      // field 11 (events, not in Plumbline's schema), then fixed32 field 16 (flags: tag 133, a 2-byte varint)
      Buffer.from([(11 << 3) | 2, 3, 1, 2, 3, 0x85, 0x01, 1, 0, 0, 0]),
    ]);
    const rs = otlpTypes.traceRequest.lookupType("ResourceSpans");
    const resource = (name: string) => rs.encode(rs.fromObject({ resource: { attributes: [{ key: "service.name", value: { stringValue: name } }] } })).finish();
    const scope = Buffer.concat([Buffer.from([(2 << 3) | 2, spanBytes.length + 2, (2 << 3) | 2, spanBytes.length]), spanBytes]);
    const rsBytes = Buffer.concat([resource("first"), scope, resource("last")]);
    const body = Buffer.concat([Buffer.from([(1 << 3) | 2, rsBytes.length]), rsBytes]);
    const wire = decodeSpans(body, "protobuf");
    expect(wire).toEqual(decodeSpansProtobufjs(body));
    expect(wire).toMatchObject([{ name: "x", service: "last", traceId: "07".repeat(16) }]);
  });

  it("refuses truncated messages and invalid UTF-8 with a decode error, as protobufjs does", () => {
    const body = protobuf(ns(0n), ns(1000n));
    for (let cut = 1; cut < body.length; cut++) {
      const part = body.subarray(0, cut);
      let reference: unknown;
      try {
        reference = decodeSpansProtobufjs(part);
      } catch {
        reference = "error";
      }
      if (reference === "error") expect(() => decodeSpans(part, "protobuf"), `cut at ${cut}`).toThrow(OtlpDecodeError);
      else expect(decodeSpans(part, "protobuf"), `cut at ${cut}`).toEqual(reference);
    }
    const bad = Buffer.from(protobuf(ns(0n), ns(1000n)));
    const at = bad.indexOf(Buffer.from("s"), 30);
    bad[at] = 0xff;
    expect(() => decodeSpans(bad, "protobuf")).toThrow(/UTF-8/);
    expect(() => decodeSpansProtobufjs(bad)).toThrow(OtlpDecodeError);
  });
});
