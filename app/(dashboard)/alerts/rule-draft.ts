import type { z } from "zod";
import { ruleInput } from "@/server/alerts/api";
import { type ThresholdMetric, isBusinessMetric } from "@/server/alerts/business-metric";
import type { AnomalySeries } from "@/server/alerts/anomaly-kinds";
import { HEADLINES } from "@/server/alerts/condition";
import type { RuleSpec } from "@/server/alerts/rule";

/** The rule form's fields as typed, in the units people think in (percentages, days). */
export interface Draft {
  name: string;
  kind: RuleSpec["kind"];
  severity: string;
  metric: ThresholdMetric;
  workflow: string;
  op: string;
  value: string;
  window: string;
  windowUnit: "minutes" | "hours" | "days";
  source: string;
  minCount: string;
  statuses: string[];
  share: string;
  minSpans: string;
  series: AnomalySeries;
  sensitivity: string;
  persistK: string;
  persistN: string;
  interval: string;
  cooldown: string;
  emails: string;
  webhooks: string;
  format: string;
  enabled: boolean;
}

export type RuleInput = z.output<typeof ruleInput>;
export type FieldErrors = Partial<Record<keyof Draft, string>>;

const UNIT_MIN = { minutes: 1, hours: 60, days: 1440 } as const;
/** Typed as a percentage: a rate (15 = 15%), or a change of a share in points (-5 = 5 points down). */
const isRatio = (m: ThresholdMetric) => HEADLINES[m].unit === "ratio" || HEADLINES[m].unit === "points";
const lines = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
const pct = (v: number) => String(Number((v * 100).toFixed(4)));

function windowOf(minutes: number): Pick<Draft, "window" | "windowUnit"> {
  if (minutes % 1440 === 0) return { window: String(minutes / 1440), windowUnit: "days" };
  if (minutes % 60 === 0) return { window: String(minutes / 60), windowUnit: "hours" };
  return { window: String(minutes), windowUnit: "minutes" };
}

/**
 * How often a new rule is checked, as the form fills it in: every 5 minutes for operational figures,
 * hourly for series that move by the day (anomalies) or the month (business outcomes).
 */
const CHECK_MINUTES = { operational: 5, slow: 60 } as const;

/** The draft with the checking interval a kind or metric implies, unless someone has changed it. */
function checkedAsOften(d: Draft, slow: boolean): Draft {
  const untouched = d.interval === String(CHECK_MINUTES.operational) || d.interval === String(CHECK_MINUTES.slow);
  return untouched ? { ...d, interval: String(slow ? CHECK_MINUTES.slow : CHECK_MINUTES.operational) } : d;
}

/** The draft with another kind chosen. */
export function withKind(d: Draft, kind: Draft["kind"]): Draft {
  return checkedAsOften({ ...d, kind }, kind === "anomaly" || (kind === "threshold" && isBusinessMetric(d.metric)));
}

/** Days a business-outcome rule's window must reach: three complete months (server/alerts/business-metric.ts). */
const BUSINESS_MIN_DAYS = 90;

/**
 * The draft with another threshold metric chosen. A business outcome is firm-wide and compared over
 * whole months, so choosing one clears the workflow and lengthens a shorter window to 90 days instead
 * of leaving the form to refuse what it pre-filled; it is then checked hourly.
 */
export function withMetric(d: Draft, metric: ThresholdMetric): Draft {
  if (!isBusinessMetric(metric)) return checkedAsOften({ ...d, metric }, false);
  const minutes = Number(d.window) * UNIT_MIN[d.windowUnit];
  const longEnough = Number.isFinite(minutes) && minutes >= BUSINESS_MIN_DAYS * 1440;
  return checkedAsOften({ ...d, metric, workflow: "", ...(longEnough ? {} : { window: String(BUSINESS_MIN_DAYS), windowUnit: "days" as const }) }, true);
}

/** The form's starting values: a stored rule's, or a new threshold rule's. */
export function draftOf(spec?: RuleInput): Draft {
  const d: Draft = {
    name: spec?.name ?? "",
    kind: spec?.kind ?? "threshold",
    severity: spec?.severity ?? "warning",
    metric: spec?.kind === "threshold" ? spec.metric : "exception-rate",
    workflow: spec && "workflow" in spec ? (spec.workflow ?? "") : "",
    op: spec?.kind === "threshold" ? spec.op : "gt",
    value: spec?.kind === "threshold" ? (isRatio(spec.metric) ? pct(spec.value) : String(spec.value)) : "",
    ...windowOf(spec?.windowMinutes ?? 1440),
    source: spec?.kind === "stale-source" || spec?.kind === "anomaly" ? (spec.source ?? "") : "",
    minCount: spec?.kind === "exceptions-past-sla" ? String(spec.minCount) : "1",
    statuses: spec?.kind === "milestone" ? spec.statuses : ["at_risk", "missed"],
    share: spec?.kind === "ingest-rejects" ? pct(spec.share) : "5",
    minSpans: spec?.kind === "ingest-rejects" ? String(spec.minSpans) : "100",
    series: spec?.kind === "anomaly" ? spec.series : "exception-rate",
    sensitivity: spec?.kind === "anomaly" ? spec.sensitivity : "medium",
    persistK: spec?.kind === "anomaly" ? String(spec.persistence.k) : "2",
    persistN: spec?.kind === "anomaly" ? String(spec.persistence.n) : "3",
    interval: String(spec?.intervalMinutes ?? CHECK_MINUTES.operational),
    cooldown: String(spec?.cooldownMinutes ?? 60),
    emails: (spec?.recipients ?? []).flatMap((r) => (r.kind === "email" ? [r.to] : [])).join("\n"),
    webhooks: (spec?.recipients ?? []).flatMap((r) => (r.kind === "webhook" ? [r.url] : [])).join("\n"),
    format: spec?.recipients.find((r) => r.kind === "webhook")?.format ?? "json",
    enabled: spec?.enabled ?? true,
  };
  return d;
}

/** A number typed into a field, or NaN for an empty one (which `Number("")` would make 0). */
const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/** Checks in the form's own units, so a message says "between 0% and 100%", not "< 1". */
function unitChecks(d: Draft): FieldErrors {
  const e: FieldErrors = {};
  if (d.kind === "threshold") {
    const v = num(d.value);
    if (!Number.isFinite(v)) e.value = "Enter a number.";
    else if (HEADLINES[d.metric].unit === "points" && Math.abs(v) > 100) e.value = "A change of a share is in percentage points: between -100 and 100.";
    else if (HEADLINES[d.metric].unit === "ratio" && (v > 100 || (d.metric !== "cycle-time" && v < 0))) e.value = "A rate is a percentage: between 0% and 100%.";
  }
  if (d.kind === "ingest-rejects") {
    const s = num(d.share);
    if (!(s > 0 && s < 100)) e.share = "Enter a percentage above 0% and below 100%.";
  }
  const w = num(d.window);
  if (!Number.isInteger(w) || w <= 0) e.window = "Enter a whole number above 0.";
  const badEmail = lines(d.emails).find((a) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a));
  if (badEmail) e.emails = `"${badEmail}" is not an e-mail address.`;
  const badUrl = lines(d.webhooks).find((u) => !/^https?:\/\/\S+$/.test(u));
  if (badUrl) e.webhooks = `"${badUrl}" is not an http(s) address.`;
  return e;
}

/** The spec the router takes, built from the draft. */
function specFrom(d: Draft): Record<string, unknown> {
  const common = {
    name: d.name,
    kind: d.kind,
    severity: d.severity,
    windowMinutes: num(d.window) * UNIT_MIN[d.windowUnit],
    intervalMinutes: num(d.interval),
    cooldownMinutes: num(d.cooldown),
    enabled: d.enabled,
    recipients: [...lines(d.emails).map((to) => ({ kind: "email", to })), ...lines(d.webhooks).map((url) => ({ kind: "webhook", url, format: d.format }))],
  };
  const workflow = d.workflow || undefined;
  switch (d.kind) {
    case "threshold":
      return { ...common, metric: d.metric, workflow, op: d.op, value: isRatio(d.metric) ? num(d.value) / 100 : num(d.value) };
    case "stale-source":
      return { ...common, source: d.source.trim() || undefined };
    case "exceptions-past-sla":
      return { ...common, workflow, minCount: num(d.minCount) };
    case "milestone":
      return { ...common, workflow, statuses: d.statuses };
    case "ingest-rejects":
      return { ...common, share: num(d.share) / 100, minSpans: num(d.minSpans) };
    case "pilot-trap":
      return { ...common, workflow };
    case "anomaly":
      return { ...common, series: d.series, workflow, source: d.source.trim() || undefined, sensitivity: d.sensitivity, persistence: { k: num(d.persistK), n: num(d.persistN) } };
  }
}

/** Which field of the form a schema path belongs to. */
function fieldOf(path: readonly PropertyKey[], spec: Record<string, unknown>): keyof Draft {
  const [head, index] = path;
  if (head === "recipients") {
    const r = Array.isArray(spec.recipients) && typeof index === "number" ? (spec.recipients[index] as { kind?: string } | undefined) : undefined;
    return r?.kind === "webhook" ? "webhooks" : "emails";
  }
  const map: Record<string, keyof Draft> = { windowMinutes: "window", intervalMinutes: "interval", cooldownMinutes: "cooldown", persistence: index === "k" ? "persistK" : "persistN" };
  return map[String(head)] ?? ((String(head) || "name") as keyof Draft);
}

/**
 * The draft as a rule the router accepts, or the problems, one readable sentence per field. The
 * router's own schema (server/alerts/api.ts) decides validity; the unit checks only say it in the
 * form's terms first.
 */
export function validate(d: Draft): { rule: RuleInput | null; errors: FieldErrors } {
  const spec = specFrom(d);
  const errors = unitChecks(d);
  const parsed = ruleInput.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path, spec);
      errors[field] ??= field === "name" && issue.code === "too_small" ? "Give the rule a name." : `${issue.message}.`;
    }
  }
  return { rule: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors };
}
