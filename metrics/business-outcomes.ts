import type { Db } from "@/clickhouse/client";
import { OUTCOMES, type OutcomeKey, type Part } from "./business-outcome-defs";
import { type MonthQuery, type MonthValue, addMonths, measureMonths, monthStart, monthsBetween } from "./business-months";
import { proportionDifference } from "./proportion-interval";

/** The baseline year a comparison cites: locked (with its version) or the default before go-live. */
export interface BaselineYear {
  from: string;
  to: string;
  /** The lock version; null while the year is not locked (the comparison says so). */
  version: number | null;
}

/** Reads a measure's months for one side: live from the store, the baseline from its lock. */
export type MonthReader = (q: Omit<MonthQuery, "tenantId">) => Promise<MonthValue[]>;

/** Fewer paired months than this is "insufficient data": one or two months say nothing about a year. */
export const MIN_PAIRED_MONTHS = 3;

export interface MonthPair {
  month: string;
  baseline_month: string;
  live: number | null;
  baseline: number | null;
}

export interface OutcomeComparison {
  key: OutcomeKey;
  title: string;
  unit: string;
  better: "higher" | "lower";
  status: "ok" | "insufficient_data";
  reason: string | null;
  baseline_year: BaselineYear;
  /** Every month asked for, paired with the same calendar month of the baseline year. */
  months: MonthPair[];
  paired_months: number;
  live: number | null;
  baseline: number | null;
  change: number | null;
  relative_change: number | null;
  /** 95% interval of the change (Newcombe) for shares of trials; null where no interval is meaningful. */
  interval: [number, number] | null;
  currency: string | null;
}

interface PartMonths {
  values: Map<string, number>;
  currencies: Set<string>;
}

const monthIndex = (m: string) => {
  const d = monthStart(m);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

/** The month of the baseline year with the same calendar month as `month`. */
export function baselineMonthOf(month: string, year: BaselineYear): string {
  const offset = (((monthIndex(month) - monthIndex(year.from)) % 12) + 12) % 12;
  return addMonths(year.from, offset);
}

async function partMonths(read: MonthReader, part: Part, from: string, to: string): Promise<PartMonths> {
  const dims = Object.keys(part.where ?? {});
  const money = part.measure === "business.revenue";
  const by = money ? [...dims, "currency"] : dims;
  const rows = await read({ measure: part.measure, from, to, by });
  const values = new Map<string, number>();
  const currencies = new Set<string>();
  for (const r of rows) {
    if (!dims.every((d, i) => part.where?.[d]?.includes(r.key[i] ?? "") ?? true)) continue;
    if (money) currencies.add(r.key[dims.length] ?? "");
    values.set(r.month, (values.get(r.month) ?? 0) + r.value);
  }
  return { values, currencies };
}

interface Side {
  num: PartMonths;
  den: PartMonths | "months";
}

async function side(read: MonthReader, key: OutcomeKey, from: string, to: string): Promise<Side> {
  const def = OUTCOMES[key];
  const num = await partMonths(read, def.numerator, from, to);
  return { num, den: def.denominator === "months" ? "months" : await partMonths(read, def.denominator, from, to) };
}

const denOf = (s: Side, month: string) => (s.den === "months" ? (s.num.values.has(month) ? 1 : undefined) : s.den.values.get(month));

function sums(s: Side, months: readonly string[]): { num: number; den: number } {
  let num = 0;
  let den = 0;
  for (const m of months) {
    num += s.num.values.get(m) ?? 0;
    den += denOf(s, m) ?? 0;
  }
  return { num, den };
}

/**
 * An outcome over `from`…`to` against the same calendar months of the baseline year, so that a season
 * does not pass for improvement. A month counts only when both its own and its baseline month have
 * both parts (docs/metrics.md, "Business outcomes").
 */
export async function compareOutcome(
  db: Db,
  o: { tenantId: string; key: OutcomeKey; from: string; to: string; baselineYear: BaselineYear; readBaseline?: MonthReader; reported?: Set<string> },
): Promise<OutcomeComparison> {
  const def = OUTCOMES[o.key];
  const year = o.baselineYear;
  // A measure the tenant has no point of has no months (reportedMeasures): no read needed.
  const readLive: MonthReader = (q) => (o.reported && !o.reported.has(q.measure) ? Promise.resolve([]) : measureMonths(db, { ...q, tenantId: o.tenantId }));
  const first = o.from > year.to ? o.from : addMonths(year.to, 1);
  const asked = first <= o.to ? monthsBetween(first, o.to) : [];
  // Independent reads, side by side: an outcome is a dozen small queries.
  const [live, base] = await Promise.all([side(readLive, o.key, first, o.to), side(o.readBaseline ?? readLive, o.key, year.from, year.to)]);
  const value = (s: Side, m: string) => {
    const n = s.num.values.get(m);
    const d = denOf(s, m);
    return n === undefined || d === undefined || d <= 0 ? null : (def.scale * n) / d;
  };
  const months = asked.map((m) => ({ month: m, baseline_month: baselineMonthOf(m, year), live: value(live, m), baseline: value(base, baselineMonthOf(m, year)) }));
  const paired = months.filter((p) => p.live !== null && p.baseline !== null);
  const currencies = new Set([...live.num.currencies, ...base.num.currencies]);
  const result: OutcomeComparison = {
    key: o.key, title: def.title, unit: def.unit, better: def.better, status: "insufficient_data", reason: null, baseline_year: year, months,
    paired_months: paired.length, live: null, baseline: null, change: null, relative_change: null, interval: null,
    currency: currencies.size === 1 ? ([...currencies][0] ?? null) : null,
  };
  if (currencies.size > 1) return { ...result, reason: `Revenue is reported in several currencies (${[...currencies].sort().join(", ")}): revenue per FTE needs one` };
  if (paired.length < MIN_PAIRED_MONTHS) {
    return { ...result, reason: `${paired.length} month(s) have figures both live and in the same month of the baseline year; ${MIN_PAIRED_MONTHS} are needed` };
  }
  const l = sums(live, paired.map((p) => p.month));
  const b = sums(base, paired.map((p) => p.baseline_month));
  const lv = (def.scale * l.num) / l.den;
  const bv = (def.scale * b.num) / b.den;
  const d = def.proportion && l.num <= l.den && b.num <= b.den ? proportionDifference(l.num, l.den, b.num, b.den) : null;
  return {
    ...result, status: "ok", live: lv, baseline: bv, change: lv - bv, relative_change: bv === 0 ? null : (lv - bv) / bv,
    interval: d ? [d[0] * def.scale, d[1] * def.scale] : null,
  };
}
