import { BUSINESS_HEADLINES, type BusinessUnit, type ThresholdMetric, businessMonths, isBusinessMetric } from "./business-metric";
import { SERIES_WORDS } from "./anomaly-kinds";
import type { MetricKey } from "./metric-runner";
import type { RuleSpec } from "./rule";

/**
 * What a threshold rule compares: each metric's headline (metrics/*.ts `headline`), named as people
 * say it, with its unit. A Record over MetricKey, so a metric added to the registry without words
 * here fails to compile.
 */
const METRIC_HEADLINES: Record<MetricKey, { noun: string; unit: "ratio" | "hours" | "minutes" | "count" }> = {
  "cycle-time": { noun: "cycle-time compression", unit: "ratio" },
  "exception-rate": { noun: "exception rate", unit: "ratio" },
  "labor-hours": { noun: "hours displaced", unit: "hours" },
  freshness: { noun: "worst source lag", unit: "minutes" },
  compliance: { noun: "audit coverage of AI steps", unit: "ratio" },
  rework: { noun: "rework rate", unit: "ratio" },
  "ingest-completeness": { noun: "share of spans accepted", unit: "ratio" },
  milestones: { noun: "milestone metrics at risk or missed", unit: "count" },
};
/** Every metric a threshold rule may compare: the registry's headlines and the business outcomes' changes. */
export const HEADLINES: Record<ThresholdMetric, { noun: string; unit: "ratio" | "hours" | "minutes" | "count" | BusinessUnit }> = { ...METRIC_HEADLINES, ...BUSINESS_HEADLINES };

const OPS = { gt: "above", gte: "at or above", lt: "below", lte: "at or below" } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const trim = (n: number) => String(Number(n.toFixed(4)));

/** A window in the largest whole unit: 10080 min → "7 days". */
export function windowWords(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

/** A headline value in its unit: a ratio as a percentage (0.15 → "15%"), a change of share in points (0.01 → "1 point"). */
export function headlineValue(metric: ThresholdMetric, value: number): string {
  const unit = HEADLINES[metric].unit;
  if (unit === "ratio") return `${trim(value * 100)}%`;
  if (unit === "points") return `${trim(value * 100)} point${Math.abs(value * 100) === 1 ? "" : "s"}`;
  if (unit === "count") return trim(value);
  return `${trim(value)} ${unit}`;
}

/**
 * A rule's condition in words, as the rules table, messages, the audit log and the CLI show it:
 * "exception rate of client-intake above 15% over 7 days".
 */
export function describeRule(spec: RuleSpec): string {
  switch (spec.kind) {
    case "threshold":
      if (isBusinessMetric(spec.metric)) return `${HEADLINES[spec.metric].noun} ${OPS[spec.op]} ${headlineValue(spec.metric, spec.value)} over the last ${plural(businessMonths(spec.windowMinutes), "complete month")}`;
      return `${HEADLINES[spec.metric].noun} of ${spec.workflow ?? "the firm"} ${OPS[spec.op]} ${headlineValue(spec.metric, spec.value)} over ${windowWords(spec.windowMinutes)}`;
    case "stale-source":
      return `${spec.source ?? "any source"} staler than its freshness SLA`;
    case "exceptions-past-sla":
      return `at least ${plural(spec.minCount, "open exception")} past SLA in ${spec.workflow ?? "any workflow"} (opened in the last ${windowWords(spec.windowMinutes)})`;
    case "milestone":
      return `a checkpoint of ${spec.workflow ?? "any workflow"} ${spec.statuses.map((s) => s.replace("_", " ")).join(" or ")}`;
    case "pilot-trap":
      return `${spec.workflow ?? "any live workflow"} showing the pilot trap (a sign that the manual process still runs beside it) over ${windowWords(spec.windowMinutes)}`;
    case "ingest-rejects":
      return `more than ${trim(spec.share * 100)}% of spans rejected over ${windowWords(spec.windowMinutes)} (with at least ${plural(spec.minSpans, "span")})`;
    case "anomaly":
      return `${SERIES_WORDS[spec.series].noun} of ${(SERIES_WORDS[spec.series].perWorkflow ? spec.workflow : spec.source) ?? "the firm"} outside its expected daily band on ${spec.persistence.k} of ${plural(spec.persistence.n, "day")} (${spec.sensitivity} sensitivity)`;
  }
}
