import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { OtlpDecodeError, decodeSpans } from "./decode";
import { startTestReceiver } from "./test-receiver";
import { MAX_DEPTH } from "./wire";

/**
 * Issue 24, finding 8: an attribute nested 2,000 deep overflowed the stack of the mapping thread and was
 * answered 500. Both encodings now refuse values nested deeper than the protobuf reader's limit with 400.
 * The bodies are built as text and bytes by loops: JSON.stringify itself overflows on such values.
 */

/** An attribute value of `depth` arrays and key-value lists (alternating) around a string, as OTLP/JSON. */
function jsonValue(depth: number): string {
  let v = `{"stringValue":"x"}`;
  for (let i = 0; i < depth; i++) v = i % 2 ? `{"arrayValue":{"values":[${v}]}}` : `{"kvlistValue":{"values":[{"key":"k","value":${v}}]}}`;
  return v;
}

function jsonBody(depth: number): Buffer {
  const attrs = `[{"key":"workflow.name","value":{"stringValue":"intake"}},{"key":"deep","value":${jsonValue(depth)}}]`;
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"s","attributes":${attrs}}]}]}]}`);
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

/** A length-delimited field. */
const field = (no: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([(no << 3) | 2, ...varint(bytes.length)]), bytes]);
const text = (s: string) => Buffer.from(s, "utf8");

/** The same value in protobuf: AnyValue.array_value = 5 (ArrayValue.values = 1), kvlist_value = 6 (KeyValueList.values = 1). */
function protobufValue(depth: number): Buffer {
  let v = field(1, text("x"));
  for (let i = 0; i < depth; i++) v = i % 2 ? field(5, field(1, v)) : field(6, field(1, Buffer.concat([field(1, text("k")), field(2, v)])));
  return v;
}

function protobufBody(depth: number): Buffer {
  const attr = (key: string, value: Uint8Array) => field(9, Buffer.concat([field(1, text(key)), field(2, value)]));
  // Span.name = 5, Span.attributes = 9; ScopeSpans.spans = 2; ResourceSpans.scope_spans = 2; request.resource_spans = 1.
  const span = Buffer.concat([field(5, text("s")), attr("workflow.name", field(1, text("intake"))), attr("deep", protobufValue(depth))]);
  return field(1, field(2, field(2, span)));
}

const bodies = { json: jsonBody, protobuf: protobufBody } as const;

describe("attribute nesting depth", () => {
  for (const encoding of ["json", "protobuf"] as const) {
    it(`${encoding}: refuses 2,000 levels and one past the limit with a decode error, and keeps a value exactly at the limit`, () => {
      for (const depth of [2_000, MAX_DEPTH + 1]) {
        expect(() => decodeSpans(bodies[encoding](depth), encoding)).toThrow(OtlpDecodeError);
        expect(() => decodeSpans(bodies[encoding](depth), encoding)).toThrow(`nested deeper than ${MAX_DEPTH}`);
      }
      const [span] = decodeSpans(bodies[encoding](MAX_DEPTH), encoding);
      const deep = String(span?.attributes.deep);
      // The innermost string survives inside MAX_DEPTH arrays and objects of JSON text.
      expect(deep).toContain('"x"');
      expect(deep.split(/[[{]/).length - 1).toBe(MAX_DEPTH);
    });
  }
});

describe("attribute nesting depth over HTTP, through the mapping threads", () => {
  let receiver: Awaited<ReturnType<typeof startTestReceiver>>;
  beforeAll(async () => {
    receiver = await startTestReceiver(await testDb(), freshTenant());
  });
  afterAll(async () => {
    await receiver.close();
  });

  const post = (encoding: "json" | "protobuf", depth: number) =>
    fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      body: new Uint8Array(bodies[encoding](depth)),
      headers: { "content-type": encoding === "json" ? "application/json" : "application/x-protobuf", authorization: `Bearer ${receiver.key}` },
    });

  it("answers 400 with the reason for 2,000 levels in either encoding, and 200 at the limit", async () => {
    for (const encoding of ["json", "protobuf"] as const) {
      const deep = await post(encoding, 2_000);
      expect({ encoding, status: deep.status }).toEqual({ encoding, status: 400 });
      if (encoding === "json") expect(((await deep.json()) as { message: string }).message).toMatch(`attribute values nested deeper than ${MAX_DEPTH}`);
      else await deep.arrayBuffer();
      const atLimit = await post(encoding, MAX_DEPTH);
      expect({ encoding, status: atLimit.status }).toEqual({ encoding, status: 200 });
      await atLimit.arrayBuffer();
    }
  });
});
