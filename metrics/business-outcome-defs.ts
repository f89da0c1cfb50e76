import type { Measure } from "@/ingest/business-measures";

/**
 * The business outcomes (docs/metrics.md, "Business outcomes"): each is Σ numerator / Σ denominator
 * over the months compared, times `scale`. A part is a measure, optionally narrowed to dimension values.
 */
export interface Part {
  measure: Measure;
  /** Only points whose dimension has one of these values (every listed dimension must match). */
  where?: Readonly<Record<string, readonly string[]>>;
}

export interface OutcomeDef {
  title: string;
  unit: string;
  numerator: Part;
  /** A part, or "months": the number of months compared (a monthly average). */
  denominator: Part | "months";
  scale: number;
  /** A share of trials (each denominator unit is one trial): the change gets a Newcombe interval. */
  proportion: boolean;
  better: "higher" | "lower";
  /** The leading indicators that feed it (shown on the workflow pages). */
  fedBy: readonly string[];
}

const ROUTINE_OR_EXPERT = ["expert", "routine", "admin", "data-entry"] as const;

export const OUTCOMES = {
  "revenue-per-fte": {
    title: "Revenue per FTE (monthly)",
    unit: "currency per FTE per month",
    numerator: { measure: "business.revenue" },
    denominator: { measure: "business.headcount.fte" },
    scale: 1,
    proportion: false,
    better: "higher",
    fedBy: ["labor-hours", "cycle-time"],
  },
  "intake-conversion": {
    title: "Intake conversion",
    unit: "share of prospects",
    numerator: { measure: "business.intake.converted" },
    denominator: { measure: "business.intake.prospects" },
    scale: 1,
    proportion: true,
    better: "higher",
    fedBy: ["cycle-time", "exception-rate"],
  },
  "client-churn": {
    title: "Client churn (monthly)",
    unit: "share of active clients lost a month",
    numerator: { measure: "business.clients.lost" },
    denominator: { measure: "business.clients.active" },
    scale: 1,
    proportion: true,
    better: "lower",
    fedBy: ["cycle-time", "exception-rate"],
  },
  "senior-expert-share": {
    title: "Senior hours on expert work",
    unit: "share of senior hours (expert, routine, admin, data entry)",
    numerator: { measure: "business.hours", where: { "staff.seniority": ["senior"], "work.category": ["expert"] } },
    denominator: { measure: "business.hours", where: { "staff.seniority": ["senior"], "work.category": ROUTINE_OR_EXPERT } },
    scale: 1,
    proportion: false,
    better: "higher",
    fedBy: ["labor-hours"],
  },
  "audit-prep-per-audit": {
    title: "Audit preparation hours per audit",
    unit: "hours per audit",
    numerator: { measure: "compliance.audit_prep.hours" },
    denominator: { measure: "compliance.audits" },
    scale: 1,
    proportion: false,
    better: "lower",
    fedBy: ["compliance"],
  },
  "incidents-per-month": {
    title: "Compliance incidents per month",
    unit: "incidents a month",
    numerator: { measure: "compliance.incidents" },
    denominator: "months",
    scale: 1,
    proportion: false,
    better: "lower",
    fedBy: ["compliance", "exception-rate"],
  },
  "data-error-rate": {
    title: "Data error rate",
    unit: "corrections per 1,000 records",
    numerator: { measure: "data.records.corrected" },
    denominator: { measure: "data.records.processed" },
    scale: 1000,
    proportion: true,
    better: "lower",
    fedBy: ["exception-rate", "rework"],
  },
} as const satisfies Record<string, OutcomeDef>;

export type OutcomeKey = keyof typeof OUTCOMES;
export const OUTCOME_KEYS = Object.keys(OUTCOMES) as OutcomeKey[];
