import type { BusinessPointRow } from "@/ingest/rows";
import { Rng } from "./world";

/**
 * A seeded world of messy monthly business figures for the reference check of the business outcomes
 * (docs/metrics.md, "Business outcomes"): an import's month totals, OTLP deltas, cumulative sums that
 * restart, gauges read several times a month, missing months, points sent again (some corrected), two
 * currencies in some worlds, and dimensions to split by. A world is a pure function of its seed and
 * `now`: rerunning a seed reproduces it.
 */

export type Point = Omit<BusinessPointRow, "tenant_id" | "start_time" | "time"> & { start_time: number; time: number };

export interface BusinessWorld {
  seed: number;
  /** The first go-live's month: the baseline year is the twelve months before it. */
  goLive: string;
  /** The months asked for, both included. */
  from: string;
  to: string;
  /** Deliveries in order; a point sent again in a later one replaces itself (the latest delivery wins). */
  deliveries: Point[][];
  /** Lock the baseline year after this many deliveries (the later ones then must not move it); null: never locked. */
  lockAfter: number | null;
}

const DAY = 86_400_000;
const LEVELS = new Set(["business.headcount.fte", "business.clients.active"]);
const FLOWS = [
  "business.revenue",
  "business.intake.prospects",
  "business.intake.converted",
  "business.clients.lost",
  "compliance.audit_prep.hours",
  "compliance.audits",
  "compliance.incidents",
  "data.records.processed",
  "data.records.corrected",
];
const CATEGORIES = ["expert", "routine", "admin", "data-entry", "review"];
const SENIORITIES = ["senior", "mid", "support"];

export const monthOf = (t: number): string => new Date(t).toISOString().slice(0, 7);
export const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
export const monthAt = (i: number): string => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
const startOf = (m: string): number => Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 1);

const seriesOf = (dims: Record<string, string>) => Object.keys(dims).sort().map((k) => `${k}=${dims[k]}`).join("\n");

/** A moment inside month `m`: whole days and odd milliseconds, never the next month. */
const inMonth = (rng: Rng, m: string) => startOf(m) + rng.int(0, 27) * DAY + rng.int(0, DAY - 1);

interface Series {
  measure: string;
  dims: Record<string, string>;
  /** The series' typical monthly amount (a flow) or level. */
  size: number;
}

/** One series' points over `months`, in the style a producer of it would send. */
function seriesPoints(rng: Rng, s: Series, months: string[], missing: Set<string>): Point[] {
  const base = { measure: s.measure, series: seriesOf(s.dims), dimensions: s.dims };
  // Now and then a month with none of it: a zero denominator makes that month unknown, a zero numerator does not.
  const amount = () => (rng.chance(0.05) ? 0 : Math.round(s.size * (0.5 + rng.float())));
  const out: Point[] = [];
  if (LEVELS.has(s.measure)) {
    for (const m of months.filter((x) => !missing.has(x))) {
      for (let k = rng.int(1, 3); k > 0; k--) {
        const t = inMonth(rng, m);
        out.push({ ...base, temporality: "gauge", start_time: t, time: t, value: amount(), origin: "otlp" });
      }
    }
    return out;
  }
  const style = rng.pick(["import", "delta", "cumulative"] as const);
  if (style === "cumulative") return cumulative(rng, base, amount, months, missing);
  for (const m of months.filter((x) => !missing.has(x))) {
    if (style === "import") out.push({ ...base, temporality: "delta", start_time: startOf(m), time: startOf(m), value: amount(), origin: "import" });
    else for (let k = rng.int(1, 3); k > 0; k--) {
      const t = inMonth(rng, m);
      out.push({ ...base, temporality: "delta", start_time: t - DAY, time: t, value: Math.round(amount() / 2), origin: "otlp" });
    }
  }
  return out;
}

/** A running total read every week or so; a restarted producer (new start time) begins again from its first increase. */
function cumulative(rng: Rng, base: Omit<Point, "temporality" | "start_time" | "time" | "value" | "origin">, amount: () => number, months: string[], missing: Set<string>): Point[] {
  const out: Point[] = [];
  const end = startOf(monthAt(monthIndex(months[months.length - 1]!) + 1));
  let start = startOf(months[0]!) - rng.int(1, 40) * DAY;
  let total = rng.int(0, 3) * amount();
  for (let t = startOf(months[0]!) + rng.int(0, 6) * DAY + rng.int(0, DAY - 1); t < end; t += rng.int(5, 12) * DAY + rng.int(0, DAY - 1)) {
    if (rng.chance(0.06)) {
      start = t - rng.int(0, 3) * DAY;
      total = 0;
    }
    total += Math.round(amount() / 4);
    if (!missing.has(monthOf(t))) out.push({ ...base, temporality: "cumulative", start_time: start, time: t, value: total, origin: "otlp" });
  }
  return out;
}

/** The series of one world: every measure, some split by a business unit, hours by category and seniority. */
function seriesOfWorld(rng: Rng, twoCurrencies: boolean): Series[] {
  const unit = (measure: string, size: number): Series[] =>
    rng.chance(0.3) ? [{ measure, dims: { "business.unit": "north" }, size: size / 2 }, { measure, dims: { "business.unit": "south" }, size: size / 2 }] : [{ measure, dims: {}, size }];
  const sizes: Record<string, number> = {
    "business.revenue": 400_000, "business.intake.prospects": 120, "business.intake.converted": 30, "business.clients.lost": 6,
    "compliance.audit_prep.hours": 80, "compliance.audits": 2, "compliance.incidents": 3, "data.records.processed": 20_000, "data.records.corrected": 150,
  };
  const out: Series[] = [...unit("business.headcount.fte", 40), ...unit("business.clients.active", 300)];
  for (const m of FLOWS) {
    if (m === "business.revenue") {
      out.push({ measure: m, dims: { currency: "EUR" }, size: sizes[m]! });
      if (twoCurrencies) out.push({ measure: m, dims: { currency: "USD", "business.unit": "us" }, size: sizes[m]! / 4 });
    } else out.push(...unit(m, sizes[m]!));
  }
  for (const category of CATEGORIES) for (const seniority of SENIORITIES) {
    if (rng.chance(0.7)) out.push({ measure: "business.hours", dims: { "work.category": category, "staff.seniority": seniority }, size: rng.int(5, 200) });
  }
  return out;
}

/** Points sent again in later deliveries: a retry as it was, or a corrected figure. */
function resends(rng: Rng, points: Point[]): Point[][] {
  const again = (p: Point) => (rng.chance(0.5) ? p : { ...p, value: p.temporality === "cumulative" ? p.value + rng.int(0, 5) : Math.round(p.value * (0.5 + rng.float())) });
  const second = points.filter(() => rng.chance(0.1)).map(again);
  const third = points.filter(() => rng.chance(0.04)).map(again);
  return [second, third];
}

export function generateBusinessWorld(seed: number, now: Date): BusinessWorld {
  const rng = new Rng(seed);
  const current = monthIndex(monthOf(now.getTime()));
  const goLive = current - rng.int(3, 13);
  // Two months before the baseline year, up to the last complete month.
  const months = Array.from({ length: current - (goLive - 14) }, (_, i) => monthAt(goLive - 14 + i));
  const points: Point[] = [];
  for (const s of seriesOfWorld(rng, rng.chance(0.25))) {
    const missing = new Set(months.filter(() => rng.chance(0.08)));
    points.push(...seriesPoints(rng, s, months, missing));
  }
  const firstDelivery = points.filter(() => rng.chance(0.85));
  const late = points.filter((p) => !firstDelivery.includes(p));
  const [second = [], third = []] = resends(rng, firstDelivery);
  return {
    seed,
    goLive: monthAt(goLive),
    from: monthAt(goLive - rng.int(0, 3)),
    // Now and then a window that ends inside the baseline year: nothing live to compare.
    to: rng.chance(0.1) ? monthAt(goLive - rng.int(1, 3)) : monthAt(current - 1 - rng.int(0, 1)),
    deliveries: [firstDelivery, [...late, ...second], third],
    lockAfter: rng.chance(0.4) ? 1 : null,
  };
}
