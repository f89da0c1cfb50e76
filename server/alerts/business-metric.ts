import type { z } from "zod";
import { MIN_PAIRED_MONTHS } from "@/metrics/business-outcomes";
import { OUTCOME_KEYS, OUTCOMES, type OutcomeKey } from "@/metrics/business-outcome-defs";
import { METRIC_KEYS, type MetricKey } from "./metric-runner";

/**
 * The business outcomes as threshold metrics (issue 26, server/alerts/README.md "Business outcomes").
 * A rule compares the outcome's change against the same months of the baseline year, not its level:
 * a level would fire with every season (docs/metrics.md, "Seasonality"), the change does not.
 */
export const THRESHOLD_METRICS = [...METRIC_KEYS, ...OUTCOME_KEYS] as [MetricKey | OutcomeKey, ...(MetricKey | OutcomeKey)[]];
export type ThresholdMetric = MetricKey | OutcomeKey;

export function isBusinessMetric(metric: ThresholdMetric): metric is OutcomeKey {
  return metric in OUTCOMES;
}

/** A change's unit: a share's change is in percentage points (stored as a ratio difference, 0.01 = 1 point). */
export type BusinessUnit = "points" | "per FTE a month" | "hours per audit" | "incidents a month" | "per 1,000 records";

const UNITS: Record<OutcomeKey, BusinessUnit> = {
  "revenue-per-fte": "per FTE a month",
  "intake-conversion": "points",
  "client-churn": "points",
  "senior-expert-share": "points",
  "audit-prep-per-audit": "hours per audit",
  "incidents-per-month": "incidents a month",
  "data-error-rate": "per 1,000 records",
};

const lowerFirst = (s: string) => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;

/** Each outcome's words for the rules table and the form, like `HEADLINES` (condition.ts). */
export const BUSINESS_HEADLINES = Object.fromEntries(
  OUTCOME_KEYS.map((k) => [k, { noun: `change in ${lowerFirst(OUTCOMES[k].title.replace(/ \(monthly\)$/, ""))} against the baseline year`, unit: UNITS[k] }]),
) as Record<OutcomeKey, { noun: string; unit: BusinessUnit }>;

const MONTH_MINUTES = 30 * 24 * 60;

/** The complete months a business rule compares: one for every whole 30 days of its window (90 days → 3). */
export function businessMonths(windowMinutes: number): number {
  return Math.floor(windowMinutes / MONTH_MINUTES);
}

/**
 * A business rule's own checks: the figures are the firm's, so it names no workflow; and its window
 * holds at least the paired months a comparison needs, else it could never judge.
 */
export function checkBusinessRule(spec: { metric: ThresholdMetric; workflow?: string; windowMinutes: number }, ctx: z.RefinementCtx): void {
  if (!isBusinessMetric(spec.metric)) return;
  if (spec.workflow !== undefined) {
    ctx.addIssue({ code: "custom", path: ["workflow"], message: "Business outcomes are the firm's figures, not a workflow's: leave the workflow empty" });
  }
  if (businessMonths(spec.windowMinutes) < MIN_PAIRED_MONTHS) {
    ctx.addIssue({ code: "custom", path: ["windowMinutes"], message: `A business outcome is compared over whole months: the window must be at least ${MIN_PAIRED_MONTHS * 30} days (${MIN_PAIRED_MONTHS} months)` });
  }
}
