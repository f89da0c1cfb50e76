import { parse } from "csv-parse/sync";
import { type Measure, dimensionProblem, isMeasure, seriesKey, storedAs } from "../business-measures";
import { SkipTally, type SkippedReason } from "../baseline/skip-tally";
import { personalLabel } from "../otlp/privacy";
import type { BusinessPointRow } from "../rows";

/**
 * The monthly business-figures CSV (docs/conventions.md, "Monthly import"): one row per period,
 * measure and value, with optional dimension columns, as a practice-management, billing or EHR system
 * exports them. Parsing is pure; import-monthly.ts stores the rows.
 */
export const MONTHLY_COLUMNS = {
  period: ["period", "month"],
  measure: ["measure", "metric"],
  value: ["value", "amount"],
  currency: ["currency"],
  "work.category": ["work.category", "work_category", "category"],
  "staff.seniority": ["staff.seniority", "staff_seniority", "seniority"],
  "workflow.name": ["workflow.name", "workflow"],
  "business.unit": ["business.unit", "business_unit", "unit", "office"],
} as const;
type Column = keyof typeof MONTHLY_COLUMNS;
const DIMENSION_COLUMNS = ["currency", "work.category", "staff.seniority", "workflow.name", "business.unit"] as const;
const REQUIRED: Column[] = ["period", "measure", "value"];

export class MonthlyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MonthlyFileError";
  }
}

export interface ParsedMonthly {
  rows: BusinessPointRow[];
  skipped: SkippedReason[];
  skippedCount: number;
  /** First and last month with a figure; null when none. */
  months: { first: string; last: string } | null;
  /** Per measure, its figures and the months between its first and last that have none. */
  measures: { measure: Measure; figures: number; missing_months: string[] }[];
}

function columnIndex(header: string[]): Partial<Record<Column, number>> {
  const norm = header.map((h) => h.trim().toLowerCase());
  const out: Partial<Record<Column, number>> = {};
  for (const [col, names] of Object.entries(MONTHLY_COLUMNS) as [Column, readonly string[]][]) {
    const i = norm.findIndex((h) => names.includes(h));
    if (i >= 0) out[col] = i;
  }
  return out;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

function monthsFrom(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split("-").map(Number) as [number, number];
  for (let k = 0; k < 1200; k++) {
    const s = `${y}-${String(m).padStart(2, "0")}`;
    if (s > last) break;
    out.push(s);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

type RowResult = { row: BusinessPointRow; month: string } | { reason: string; detail?: string };

function readRow(cells: string[], idx: Partial<Record<Column, number>>, o: { tenantId: string; importId: string; currentMonth: string }): RowResult {
  const cell = (c: Column) => (idx[c] === undefined ? "" : (cells[idx[c]] ?? "").trim());
  const period = PERIOD.exec(cell("period"));
  if (!period) return { reason: "bad_period", detail: cell("period") };
  const month = `${period[1]}-${period[2]}`;
  if (month > o.currentMonth) return { reason: "future_period", detail: month };
  const measure = cell("measure");
  if (!isMeasure(measure)) return { reason: "unknown_measure", detail: measure };
  const raw = cell("value").replace(/\s/g, "");
  if (!NUMBER.test(raw)) return { reason: "bad_value", detail: cell("value") };
  const value = Number(raw);
  if (value < 0 && measure !== "business.revenue") return { reason: "negative_value", detail: raw };
  const dimensions: Record<string, string> = {};
  for (const d of DIMENSION_COLUMNS) if (cell(d)) dimensions[d] = cell(d).slice(0, 200);
  if (dimensions.currency) dimensions.currency = dimensions.currency.toUpperCase();
  for (const d of ["workflow.name", "business.unit"]) if (dimensions[d] && personalLabel(dimensions[d])) return { reason: "personal_data", detail: d };
  const problem = dimensionProblem(measure, dimensions);
  if (problem) return { reason: problem, detail: problem.startsWith("invalid_") ? dimensions[problem.slice(8)] : undefined };
  const start = Date.UTC(Number(period[1]), Number(period[2]) - 1, 1);
  const series = seriesKey(dimensions).join("\n");
  const temporality = storedAs(measure);
  return { month, row: { tenant_id: o.tenantId, measure, series, dimensions, temporality, start_time: start, time: start, value, origin: "import", import_id: o.importId } };
}

/**
 * Reads a monthly CSV. A row is skipped, with its line number and reason, when its period, measure,
 * value or dimensions are invalid, or when it repeats a period already given for the same measure and
 * dimensions (the first one stands: a file that says two things about one month is asked to say one).
 */
export function parseMonthlyCsv(text: string, o: { tenantId: string; importId: string; now?: Date }): ParsedMonthly {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, delimiter: [",", ";", "\t"] }) as string[][];
  } catch (err) {
    throw new MonthlyFileError(`The file is not a readable CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [header, ...body] = records;
  if (!header) throw new MonthlyFileError("The file is empty");
  const idx = columnIndex(header);
  const missing = REQUIRED.filter((c) => idx[c] === undefined);
  if (missing.length) throw new MonthlyFileError(`Missing column(s): ${missing.join(", ")}. The header must name period (YYYY-MM), measure and value.`);
  const currentMonth = (o.now ?? new Date()).toISOString().slice(0, 7);
  const tally = new SkipTally();
  const seen = new Set<string>();
  const rows: BusinessPointRow[] = [];
  const monthsOf = new Map<Measure, Set<string>>();
  body.forEach((cells, i) => {
    const line = i + 2;
    const r = readRow(cells, idx, { ...o, currentMonth });
    if ("reason" in r) return tally.add({ line, reason: r.reason, ...(r.detail ? { detail: r.detail } : {}) });
    const id = `${r.row.measure}\u0000${r.row.series}\u0000${r.month}`;
    if (seen.has(id)) return tally.add({ line, reason: "duplicate_period", detail: `${r.row.measure} ${r.month}` });
    seen.add(id);
    rows.push(r.row);
    const m = r.row.measure as Measure;
    monthsOf.set(m, (monthsOf.get(m) ?? new Set()).add(r.month));
  });
  const all = [...monthsOf.values()].flatMap((s) => [...s]).sort();
  return {
    rows,
    skipped: tally.list(),
    skippedCount: tally.total,
    months: all.length ? { first: all[0]!, last: all.at(-1)! } : null,
    measures: [...monthsOf].map(([measure, set]) => {
      const sorted = [...set].sort();
      return { measure, figures: rows.filter((r) => r.measure === measure).length, missing_months: monthsFrom(sorted[0]!, sorted.at(-1)!).filter((mm) => !set.has(mm)) };
    }),
  };
}
