import { DIMENSIONS, MEASURES, type MeasureSpec, dimensionProblem, isMeasure, seriesKey } from "../business-measures";
import type { BusinessPointRow } from "../rows";
import type { OtlpMetricPoint } from "./decode-metrics";
import { maskText, personalLabel } from "./privacy";
import { type Reason, Tally, personalData, utcDay } from "./rejections";
import type { MapContext, Mapped } from "./spans-to-rows";

const EARLIEST_MS = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600_000;
/** How many refused metric names the partial-success answer lists. */
const NAMES_LISTED = 20;

type Judged = { row: BusinessPointRow } | { reason: Reason };

function dimensionsOf(p: OtlpMetricPoint): Record<string, string> {
  const dims: Record<string, string> = {};
  for (const name of DIMENSIONS) {
    const v = p.attributes[name];
    if (v !== undefined && v !== "") dims[name] = String(v).slice(0, 200);
  }
  return dims;
}

/** How a point of a measure is stored, or why it is not: amounts are sums, levels are readings. */
function temporalityFor(spec: MeasureSpec, p: OtlpMetricPoint): BusinessPointRow["temporality"] | undefined {
  if (spec.kind === "flow") return p.shape === "sum" && p.temporality !== "unspecified" ? p.temporality : undefined;
  // An up-down counter's cumulative sum is the level itself; a delta of a level would need integrating.
  if (p.shape === "gauge" || (p.shape === "sum" && p.temporality === "cumulative" && !p.monotonic)) return "gauge";
  return undefined;
}

function judge(p: OtlpMetricPoint, ctx: MapContext): Judged {
  if (!isMeasure(p.name)) return { reason: "unknown_metric_name" };
  if (p.shape !== "sum" && p.shape !== "gauge") return { reason: "unsupported_metric_kind" };
  const temporality = temporalityFor(MEASURES[p.name], p);
  if (!temporality) return { reason: "wrong_instrument" };
  if (!Number.isFinite(p.value)) return { reason: "invalid_value" };
  const start = temporality === "gauge" ? p.timeMs : p.startMs;
  if (!(p.timeMs >= EARLIEST_MS && p.timeMs <= ctx.nowMs + FUTURE_SLACK_MS && start >= EARLIEST_MS && start <= p.timeMs)) return { reason: "bad_timestamps" };
  const dimensions = dimensionsOf(p);
  for (const name of ["workflow.name", "business.unit"]) {
    const v = dimensions[name];
    if (v !== undefined && personalLabel(v)) return { reason: personalData(name) };
  }
  if (dimensionProblem(p.name, dimensions)) return { reason: "invalid_dimensions" };
  // The sender's service is part of the series (a running total belongs to one producer), not a dimension.
  const series = [...seriesKey(dimensions), ...(p.service ? [`@service=${maskText(p.service).slice(0, 200)}`] : [])].join("\n");
  return { row: { tenant_id: ctx.tenantId, measure: p.name, series, dimensions, temporality, start_time: start, time: p.timeMs, value: p.value } };
}

/**
 * Maps OTLP metric data points to business points (docs/conventions.md, "Business metrics"). Points of
 * other names or kinds are rejected and named in the partial-success answer, so a sender sees which of
 * its instruments Plumbline does not read.
 */
export function metricsToRows(points: readonly OtlpMetricPoint[], ctx: MapContext): Mapped {
  const tally = new Tally(ctx.tenantId, "otlp-metrics", utcDay(ctx.nowMs));
  const refusedNames = new Set<string>();
  const byIdentity = new Map<string, BusinessPointRow>();
  for (const p of points) {
    const j = judge(p, ctx);
    if ("row" in j) {
      tally.accept(p.service);
      // Points that differ only in attributes Plumbline drops (a person, a host) share an identity: they
      // are added up here, or the store would keep one of them as a duplicate of the other.
      const r = j.row;
      const id = `${r.measure}\u0000${r.series}\u0000${r.temporality}\u0000${String(r.start_time)}\u0000${String(r.time)}`;
      const same = byIdentity.get(id);
      if (same) same.value += r.value;
      else byIdentity.set(id, r);
      continue;
    }
    if (refusedNames.size < NAMES_LISTED) refusedNames.add(p.name.slice(0, 100) || "(no name)");
    tally.reject(p.service, j.reason, `metric ${p.name.slice(0, 100) || "(no name)"}`);
  }
  const names = refusedNames.size ? ` Metrics not stored: ${[...refusedNames].join(", ")}.` : "";
  const message = tally.message("data points");
  return {
    batch: { businessPoints: [...byIdentity.values()], ingestStats: tally.rows() },
    accepted: tally.accepted,
    rejected: tally.rejected,
    errorMessage: message ? `${message}${names}`.slice(0, 2500) : "",
  };
}
