import type { Point } from "./business-world";
import { monthAt, monthIndex, monthOf } from "./business-world";

/**
 * The business outcomes as docs/metrics.md ("Business outcomes") defines them, computed plainly over
 * the points a world delivered: no SQL, nothing from the engine, so that a disagreement is a finding.
 */

/** A part of an outcome: a measure, optionally only points whose dimensions have the listed values. */
interface RefPart {
  measure: string;
  where?: Record<string, string[]>;
}

interface RefOutcome {
  numerator: RefPart;
  denominator: RefPart | "months";
  scale: number;
}

const SENIOR_WORK = ["expert", "routine", "admin", "data-entry"];

/** The table of docs/metrics.md, restated. */
export const REFERENCE_OUTCOMES: Record<string, RefOutcome> = {
  "revenue-per-fte": { numerator: { measure: "business.revenue" }, denominator: { measure: "business.headcount.fte" }, scale: 1 },
  "intake-conversion": { numerator: { measure: "business.intake.converted" }, denominator: { measure: "business.intake.prospects" }, scale: 1 },
  "client-churn": { numerator: { measure: "business.clients.lost" }, denominator: { measure: "business.clients.active" }, scale: 1 },
  "senior-expert-share": {
    numerator: { measure: "business.hours", where: { "staff.seniority": ["senior"], "work.category": ["expert"] } },
    denominator: { measure: "business.hours", where: { "staff.seniority": ["senior"], "work.category": SENIOR_WORK } },
    scale: 1,
  },
  "audit-prep-per-audit": { numerator: { measure: "compliance.audit_prep.hours" }, denominator: { measure: "compliance.audits" }, scale: 1 },
  "incidents-per-month": { numerator: { measure: "compliance.incidents" }, denominator: "months", scale: 1 },
  "data-error-rate": { numerator: { measure: "data.records.corrected" }, denominator: { measure: "data.records.processed" }, scale: 1000 },
};

/** Levels are a month's mean reading; everything else is an amount. */
const LEVELS = new Set(["business.headcount.fte", "business.clients.active"]);

/** The store after every delivery: a point sent again (same series, temporality, start and time) replaces itself. */
export function latestPoints(deliveries: readonly Point[][]): Point[] {
  const byIdentity = new Map<string, Point>();
  for (const delivery of deliveries) {
    for (const p of delivery) byIdentity.set([p.measure, p.series, p.temporality, p.start_time, p.time].join("\u0000"), p);
  }
  return [...byIdentity.values()];
}

const matches = (p: Point, part: RefPart) =>
  p.measure === part.measure && Object.entries(part.where ?? {}).every(([d, values]) => values.includes(p.dimensions?.[d] ?? ""));

/**
 * What each amount point says happened at its time: a delta as sent; a cumulative total its increase
 * since the previous point of the same running total (series and start), the first one whole.
 */
function amounts(points: Point[]): { point: Point; amount: number }[] {
  const out: { point: Point; amount: number }[] = [];
  const totals = new Map<string, Point[]>();
  for (const p of points) {
    if (p.temporality === "delta") out.push({ point: p, amount: p.value });
    if (p.temporality !== "cumulative") continue;
    const key = `${p.series}\u0000${p.start_time}`;
    totals.set(key, [...(totals.get(key) ?? []), p]);
  }
  for (const total of totals.values()) {
    total.sort((a, b) => a.time - b.time);
    total.forEach((p, i) => out.push({ point: p, amount: i === 0 ? p.value : p.value - total[i - 1]!.value }));
  }
  return out;
}

/** A part's value in each month from `from` to `to` that has at least one of its points; absent months are unknown. */
export function partMonths(points: Point[], part: RefPart, from: string, to: string): Map<string, number> {
  const inWindow = (t: number) => monthOf(t) >= from && monthOf(t) <= to;
  const own = points.filter((p) => p.measure === part.measure);
  const out = new Map<string, number>();
  if (!LEVELS.has(part.measure)) {
    for (const { point, amount } of amounts(own)) {
      if (matches(point, part) && inWindow(point.time)) out.set(monthOf(point.time), (out.get(monthOf(point.time)) ?? 0) + amount);
    }
    return out;
  }
  // A level: each series' mean reading in the month, added over the series.
  const readings = new Map<string, { month: string; values: number[] }>();
  for (const p of own) {
    if (p.temporality !== "gauge" || !matches(p, part) || !inWindow(p.time)) continue;
    const key = `${monthOf(p.time)}\u0000${p.series}`;
    const r = readings.get(key) ?? { month: monthOf(p.time), values: [] };
    r.values.push(p.value);
    readings.set(key, r);
  }
  for (const r of readings.values()) out.set(r.month, (out.get(r.month) ?? 0) + r.values.reduce((a, b) => a + b, 0) / r.values.length);
  return out;
}

export interface RefYear {
  from: string;
  to: string;
}

export interface RefComparison {
  status: "ok" | "insufficient_data";
  months: { month: string; baseline_month: string; live: number | null; baseline: number | null }[];
  paired_months: number;
  live: number | null;
  baseline: number | null;
  change: number | null;
  relative_change: number | null;
  currency: string | null;
}

const between = (from: string, to: string) => Array.from({ length: Math.max(0, monthIndex(to) - monthIndex(from) + 1) }, (_, i) => monthAt(monthIndex(from) + i));

/** The same calendar month in the baseline year. */
const baselineMonth = (m: string, year: RefYear) => monthAt(monthIndex(year.from) + ((((monthIndex(m) - monthIndex(year.from)) % 12) + 12) % 12));

interface SideMonths {
  num: Map<string, number>;
  den: Map<string, number> | null;
}

function sideMonths(points: Point[], o: RefOutcome, from: string, to: string): SideMonths {
  return { num: partMonths(points, o.numerator, from, to), den: o.denominator === "months" ? null : partMonths(points, o.denominator, from, to) };
}

/** Numerator and denominator of a month, or null when either is unknown (or the denominator is not positive). */
function monthParts(s: SideMonths, m: string): [number, number] | null {
  const num = s.num.get(m);
  const den = s.den === null ? (num === undefined ? undefined : 1) : s.den.get(m);
  return num === undefined || den === undefined || den <= 0 ? null : [num, den];
}

/** Currencies of the revenue points in the months read (live and baseline). */
function currencies(points: Point[], ranges: [string, string][]): Set<string> {
  const out = new Set<string>();
  for (const p of points) {
    const m = monthOf(p.time);
    if (p.measure === "business.revenue" && ranges.some(([a, b]) => m >= a && m <= b)) out.add(p.dimensions?.currency ?? "");
  }
  return out;
}

/**
 * One outcome over `from`…`to` (months after the baseline year only) against the same calendar months
 * of the baseline year, from the live points and the baseline year's points (the frozen ones when locked).
 */
export function referenceOutcome(live: Point[], base: Point[], key: string, year: RefYear, from: string, to: string): RefComparison {
  const o = REFERENCE_OUTCOMES[key]!;
  const first = monthIndex(from) > monthIndex(year.to) ? from : monthAt(monthIndex(year.to) + 1);
  const l = sideMonths(live, o, first, to);
  const b = sideMonths(base, o, year.from, year.to);
  const value = (p: [number, number] | null) => (p === null ? null : (o.scale * p[0]) / p[1]);
  const months = between(first, to).map((m) => ({ month: m, baseline_month: baselineMonth(m, year), live: value(monthParts(l, m)), baseline: value(monthParts(b, baselineMonth(m, year))) }));
  const paired = months.filter((p) => p.live !== null && p.baseline !== null);
  const money = o.numerator.measure === "business.revenue" ? [...currencies(live, [[first, to]]), ...currencies(base, [[year.from, year.to]])] : [];
  const currency = new Set(money);
  const unknown: RefComparison = { status: "insufficient_data", months, paired_months: paired.length, live: null, baseline: null, change: null, relative_change: null, currency: currency.size === 1 ? [...currency][0]! : null };
  if (currency.size > 1 || paired.length < 3) return unknown;
  const total = (s: SideMonths, ms: string[]) => ms.map((m) => monthParts(s, m)!).reduce(([n, d], [a, c]) => [n + a, d + c], [0, 0]);
  const lv = value(total(l, paired.map((p) => p.month)))!;
  const bv = value(total(b, paired.map((p) => p.baseline_month)))!;
  return { ...unknown, status: "ok", live: lv, baseline: bv, change: lv - bv, relative_change: bv === 0 ? null : (lv - bv) / bv };
}
