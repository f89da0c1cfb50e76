/**
 * The business measures Plumbline stores (docs/conventions.md, "Business metrics"): the lagging
 * indicators a firm judges automation by. One vocabulary for OTLP metrics, the monthly import and the
 * metrics that read them.
 *
 * - A **flow** is an amount over time (revenue, hours, incidents): a month's value is the sum of what
 *   happened in it. OTLP sends it as a Sum (delta or cumulative); the import as the month's total.
 * - A **level** is a state (headcount, active clients): a month's value is the mean of its readings.
 *   OTLP sends it as a Gauge or a non-monotonic Sum; the import as the month's value.
 */
export const WORK_CATEGORIES = ["expert", "routine", "admin", "data-entry", "review"] as const;
export const SENIORITIES = ["senior", "mid", "support"] as const;

export type MeasureKind = "flow" | "level";

export interface MeasureSpec {
  kind: MeasureKind;
  unit: string;
  /** Dimensions a point must carry, with their allowed values (undefined: any non-empty value). */
  required: Readonly<Record<string, readonly string[] | undefined>>;
}

const CURRENCY = { currency: undefined } as const;
const HOURS_DIMENSIONS = { "work.category": WORK_CATEGORIES, "staff.seniority": SENIORITIES } as const;

export const MEASURES = {
  "business.revenue": { kind: "flow", unit: "currency amount", required: CURRENCY },
  "business.headcount.fte": { kind: "level", unit: "FTE", required: {} },
  "business.intake.prospects": { kind: "flow", unit: "prospects", required: {} },
  "business.intake.converted": { kind: "flow", unit: "prospects", required: {} },
  "business.clients.active": { kind: "level", unit: "clients", required: {} },
  "business.clients.lost": { kind: "flow", unit: "clients", required: {} },
  "business.hours": { kind: "flow", unit: "hours", required: HOURS_DIMENSIONS },
  "compliance.audit_prep.hours": { kind: "flow", unit: "hours", required: {} },
  "compliance.audits": { kind: "flow", unit: "audits", required: {} },
  "compliance.incidents": { kind: "flow", unit: "incidents", required: {} },
  "data.records.processed": { kind: "flow", unit: "records", required: {} },
  "data.records.corrected": { kind: "flow", unit: "records", required: {} },
} as const satisfies Record<string, MeasureSpec>;

export type Measure = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];

export const isMeasure = (name: string): name is Measure => Object.hasOwn(MEASURES, name);

/**
 * The dimensions a point may carry and Plumbline keeps; anything else is dropped (a business figure is
 * an aggregate, never about a person). `workflow.name` ties an outcome to the workflow that feeds it.
 */
export const DIMENSIONS = ["currency", "work.category", "staff.seniority", "workflow.name", "business.unit"] as const;

/** ISO 4217 alphabetic codes are three capital letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Why a point's dimensions are refused, or undefined when they are acceptable. */
export function dimensionProblem(measure: Measure, dims: Readonly<Record<string, string>>): string | undefined {
  const spec: MeasureSpec = MEASURES[measure];
  for (const [name, allowed] of Object.entries(spec.required)) {
    const v = dims[name];
    if (!v) return `missing_${name}`;
    if (allowed && !allowed.includes(v)) return `invalid_${name}`;
  }
  const currency = dims.currency;
  if (currency !== undefined && !CURRENCY_CODE.test(currency)) return "invalid_currency";
  return undefined;
}

/** A series' key: its dimensions as sorted `key=value` lines (one series per distinct set). */
export function seriesKey(dims: Readonly<Record<string, string>>): string[] {
  return Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`);
}

/** How a measure's figure is stored: an amount as a delta, a level as a gauge reading. */
export const storedAs = (measure: Measure): "delta" | "gauge" => (MEASURES[measure].kind === "level" ? "gauge" : "delta");
