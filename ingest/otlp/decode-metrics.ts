import { z } from "zod";
import {
  type Attributes,
  type Encoding,
  type PbKeyValue,
  type PbResource,
  decodePb,
  int64,
  jsonAttributes,
  jsonKeyValues,
  jsonResource,
  nanosMs,
  nanosToMs,
  num,
  parseJson,
  pbAttributes,
  serviceOf,
} from "./decode";
import { otlpTypes } from "./otlp-schema";

/** The kinds of OTLP metric data; Plumbline stores sums and gauges (docs/conventions.md). */
export type MetricShape = "sum" | "gauge" | "histogram" | "exponentialHistogram" | "summary" | "none";
export type Temporality = "delta" | "cumulative" | "unspecified";

/**
 * One data point, the same whichever encoding it arrived in; times are epoch ms. Points of shapes
 * Plumbline does not store carry `value: NaN`: they exist to be counted and rejected by name.
 */
export interface OtlpMetricPoint {
  name: string;
  shape: MetricShape;
  temporality: Temporality;
  monotonic: boolean;
  startMs: number;
  timeMs: number;
  value: number;
  attributes: Attributes;
  service: string;
}

const TEMPORALITY: Record<number, Temporality> = { 1: "delta", 2: "cumulative" };
const temporalityOf = (v: unknown): Temporality => (typeof v === "number" ? (TEMPORALITY[v] ?? "unspecified") : "unspecified");

// ---- protobuf ----

interface PbNumberPoint {
  startTimeUnixNano: unknown;
  timeUnixNano: unknown;
  value?: "asDouble" | "asInt";
  asDouble?: number;
  asInt?: unknown;
  attributes: PbKeyValue[];
}
interface PbMetric {
  name: string;
  data?: MetricShape;
  gauge?: { dataPoints: PbNumberPoint[] };
  sum?: { dataPoints: PbNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  histogram?: { dataPoints: { timeUnixNano: unknown }[] };
  exponentialHistogram?: { dataPoints: { timeUnixNano: unknown }[] };
  summary?: { dataPoints: { timeUnixNano: unknown }[] };
}
type PbRequest = { resourceMetrics: (PbResource & { scopeMetrics: { metrics: PbMetric[] }[] })[] };

function pbPoints(m: PbMetric, service: string, out: OtlpMetricPoint[]): void {
  const shape: MetricShape = m.data ?? "none";
  const base = { name: m.name, shape, service };
  if (shape === "sum" || shape === "gauge") {
    const data = shape === "sum" ? m.sum : m.gauge;
    const temporality = shape === "sum" ? temporalityOf(m.sum?.aggregationTemporality) : "unspecified";
    for (const p of data?.dataPoints ?? []) {
      out.push({
        ...base,
        temporality,
        monotonic: shape === "sum" && m.sum?.isMonotonic === true,
        startMs: nanosToMs(p.startTimeUnixNano),
        timeMs: nanosToMs(p.timeUnixNano),
        value: p.value === "asInt" ? num(p.asInt) : p.value === "asDouble" ? (p.asDouble ?? NaN) : NaN,
        attributes: pbAttributes(p.attributes),
      });
    }
    return;
  }
  const counted = shape === "none" ? [{ timeUnixNano: 0 }] : (m[shape]?.dataPoints ?? []);
  for (const p of counted) out.push({ ...base, temporality: "unspecified", monotonic: false, startMs: 0, timeMs: nanosToMs(p.timeUnixNano), value: NaN, attributes: {} });
}

function decodeMetricsPb(body: Uint8Array): OtlpMetricPoint[] {
  const req = decodePb<PbRequest>(otlpTypes.metricsRequest, body);
  const out: OtlpMetricPoint[] = [];
  for (const rm of req.resourceMetrics) {
    const service = serviceOf(pbAttributes(rm.resource?.attributes));
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) pbPoints(m, service, out);
  }
  return out;
}

// ---- OTLP/JSON ----

const jsonNumberPoint = z.object({
  startTimeUnixNano: nanosMs.default(0),
  timeUnixNano: nanosMs.default(0),
  asDouble: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]).optional(),
  asInt: int64.optional(),
  attributes: jsonKeyValues,
});
const jsonCounted = z.object({ dataPoints: z.array(z.object({ timeUnixNano: nanosMs.default(0) })).default([]) }).optional();
const jsonMetric = z.object({
  name: z.string().default(""),
  gauge: z.object({ dataPoints: z.array(jsonNumberPoint).default([]) }).optional(),
  sum: z
    .object({
      dataPoints: z.array(jsonNumberPoint).default([]),
      aggregationTemporality: z.union([z.number().int(), z.enum(["AGGREGATION_TEMPORALITY_DELTA", "AGGREGATION_TEMPORALITY_CUMULATIVE"])]).optional(),
      isMonotonic: z.boolean().optional(),
    })
    .optional(),
  histogram: jsonCounted,
  exponentialHistogram: jsonCounted,
  summary: jsonCounted,
});
const jsonMetrics = z.object({
  resourceMetrics: z
    .array(z.object({ resource: jsonResource, scopeMetrics: z.array(z.object({ metrics: z.array(jsonMetric).default([]) })).default([]) }))
    .default([]),
});

type JsonMetric = z.output<typeof jsonMetric>;

function jsonPoints(m: JsonMetric, service: string, out: OtlpMetricPoint[]): void {
  const base = { name: m.name, service };
  const numeric = m.sum ? ("sum" as const) : m.gauge ? ("gauge" as const) : undefined;
  if (numeric) {
    const t = m.sum?.aggregationTemporality;
    const temporality = numeric === "gauge" ? "unspecified" : t === 1 || t === "AGGREGATION_TEMPORALITY_DELTA" ? "delta" : t === 2 || t === "AGGREGATION_TEMPORALITY_CUMULATIVE" ? "cumulative" : "unspecified";
    for (const p of (numeric === "sum" ? m.sum?.dataPoints : m.gauge?.dataPoints) ?? []) {
      out.push({
        ...base,
        shape: numeric,
        temporality,
        monotonic: numeric === "sum" && m.sum?.isMonotonic === true,
        startMs: p.startTimeUnixNano,
        timeMs: p.timeUnixNano,
        value: p.asInt ?? p.asDouble ?? NaN,
        attributes: jsonAttributes(p.attributes),
      });
    }
    return;
  }
  const shape = m.histogram ? "histogram" : m.exponentialHistogram ? "exponentialHistogram" : m.summary ? "summary" : "none";
  const counted = shape === "none" ? [{ timeUnixNano: 0 }] : (m[shape]?.dataPoints ?? []);
  for (const p of counted) out.push({ ...base, shape, temporality: "unspecified", monotonic: false, startMs: 0, timeMs: p.timeUnixNano, value: NaN, attributes: {} });
}

function decodeMetricsJson(body: Uint8Array): OtlpMetricPoint[] {
  const req = parseJson(jsonMetrics, body);
  const out: OtlpMetricPoint[] = [];
  for (const rm of req.resourceMetrics) {
    const service = serviceOf(jsonAttributes(rm.resource?.attributes));
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) jsonPoints(m, service, out);
  }
  return out;
}

/** Every data point of an ExportMetricsServiceRequest; a malformed body throws OtlpDecodeError (a 400). */
export function decodeMetrics(body: Uint8Array, encoding: Encoding): OtlpMetricPoint[] {
  return encoding === "protobuf" ? decodeMetricsPb(body) : decodeMetricsJson(body);
}
