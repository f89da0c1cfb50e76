import { quantile } from "./stats";

/**
 * The anomaly detector (docs/metrics.md, "Anomalies"). Pure: a daily series in, one judged window per
 * day out. No threshold is given; each series' normal level and weekly pattern are learnt from its own
 * trailing history, robustly:
 *
 * - expected value of a day: the median of the same weekday over the trailing `HISTORY_WEEKS` weeks;
 * - spread: 1.4826 × the median absolute deviation of every history day from its own weekday's median
 *   (a normal-consistent robust σ, pooled over the weekdays so 8 weeks give ~56 residuals), never below
 *   the series' sampling noise (`noise`: a quiet weekend's count or rate rests on fewer runs than the
 *   pooled spread suggests) nor `MIN_RELATIVE_SPREAD` of the expected value (a flat series would
 *   otherwise alarm at any wobble);
 * - band: expected ± z × spread, z set by the sensitivity;
 * - days already judged outside the band are left out of later days' history, so a bad week does not
 *   teach the detector that bad is normal. When more than half the history is outside, the change has
 *   lasted ~4 weeks and becomes the new normal (all days are used again).
 *
 * A day fires when it is outside and at least k of the last n known days (itself included) were outside (the
 * persistence rule), or at once when it is far outside (|z| ≥ 2 × the band's z), or when a volume that
 * is expected to be above zero drops to zero (a silent pipeline: one day, never two).
 */

export interface SeriesPoint {
  /** UTC day, YYYY-MM-DD; consecutive days, a missing value as null. */
  day: string;
  /** Null: unknown that day (too few runs for a rate, no run for a cycle time); never judged, never learnt. */
  value: number | null;
  /** For a share: the runs it is a share of, which set its sampling noise that day. */
  runs?: number;
}

export type Sensitivity = "low" | "medium" | "high";

export interface AnomalyOptions {
  sensitivity: Sensitivity;
  /** Fires when at least `k` of the last `n` days were outside the band. */
  persistence: { k: number; n: number };
  /** Run volume: a day of zero where the band's floor is above zero fires at once. */
  zeroIsOutage: boolean;
  /**
   * Sampling noise the spread never falls below: `count` (Poisson, √expected: run volume) or `share`
   * (binomial, √(p(1−p)/runs) over the day's runs: a rate). Without it, only the robust spread.
   */
  noise?: "count" | "share";
}

export interface JudgedDay {
  day: string;
  value: number | null;
  /** Null: too little history to know what is normal (insufficient data). */
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** How many spreads the value lies from the expected value (signed); null when either is unknown. */
  z: number | null;
  outside: boolean;
  firing: boolean;
}

/** Band half-width in robust σ per sensitivity; measured on metrics/anomaly.test.ts's simulation. */
export const BAND_Z: Record<Sensitivity, number> = { low: 4, medium: 3, high: 2.5 };
export const HISTORY_WEEKS = 8;
/** At least this many same-weekday days, and this many days in all, before a day is judged. */
const MIN_SAME_WEEKDAY = 3;
const MIN_HISTORY_DAYS = 21;
const MIN_RELATIVE_SPREAD = 0.05;
/** 1.4826 × MAD estimates σ for normal noise (Rousseeuw & Croux 1993). */
const MAD_TO_SIGMA = 1.4826;

export const DEFAULT_PERSISTENCE = { k: 2, n: 3 } as const;

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
const median = (xs: readonly number[]) => quantile(xs, 0.5);

interface Known {
  weekday: number;
  value: number;
  outside: boolean;
}

/** The expected value and spread of `day` from the history before it; null when there is too little. */
export function expectedBand(history: readonly Known[], wd: number, floor: (expected: number) => number = () => 0): { expected: number; spread: number } | null {
  const outside = history.filter((h) => h.outside).length;
  const used = outside * 2 > history.length ? history : history.filter((h) => !h.outside);
  if (used.length < MIN_HISTORY_DAYS) return null;
  const byWeekday = new Map<number, number[]>();
  for (const h of used) {
    const xs = byWeekday.get(h.weekday);
    if (xs) xs.push(h.value);
    else byWeekday.set(h.weekday, [h.value]);
  }
  const same = byWeekday.get(wd) ?? [];
  if (same.length < MIN_SAME_WEEKDAY) return null;
  const medians = new Map([...byWeekday].map(([w, xs]) => [w, median(xs)]));
  const residuals = used.map((h) => Math.abs(h.value - medians.get(h.weekday)!));
  const expected = medians.get(wd)!;
  const spread = Math.max(MAD_TO_SIGMA * median(residuals), floor(expected), MIN_RELATIVE_SPREAD * Math.abs(expected), 1e-9);
  return { expected, spread };
}

/** Judges every day of the series in order; each day sees only the days before it. */
export function detectAnomalies(points: readonly SeriesPoint[], options: AnomalyOptions): JudgedDay[] {
  const z = BAND_Z[options.sensitivity];
  const span = HISTORY_WEEKS * 7;
  const known: (Known & { index: number })[] = [];
  const out: JudgedDay[] = [];
  const judgedKnown: JudgedDay[] = [];
  points.forEach((p, index) => {
    while (known.length > 0 && known[0]!.index < index - span) known.shift();
    const wd = weekday(p.day);
    const floor = (e: number) =>
      options.noise === "count" ? Math.sqrt(Math.max(e, 1)) : options.noise === "share" && p.runs ? Math.sqrt(Math.max(e * (1 - e), 0.01) / p.runs) : 0;
    const band = expectedBand(known, wd, floor);
    const judged: JudgedDay = { day: p.day, value: p.value, expected: null, lower: null, upper: null, z: null, outside: false, firing: false };
    if (band) {
      judged.expected = band.expected;
      judged.lower = band.expected - z * band.spread;
      judged.upper = band.expected + z * band.spread;
    }
    if (band && p.value !== null) {
      judged.z = (p.value - band.expected) / band.spread;
      judged.outside = Math.abs(judged.z) > z;
      // Over the last n known days: an unknown day (a quiet weekend) neither breaks nor counts toward persistence.
      const recent = judgedKnown.slice(-(options.persistence.n - 1)).filter((d) => d.outside).length + (judged.outside ? 1 : 0);
      const outage = options.zeroIsOutage && p.value === 0 && judged.lower! > 0;
      judged.firing = judged.outside && (recent >= options.persistence.k || Math.abs(judged.z) >= 2 * z || outage);
    }
    out.push(judged);
    if (judged.z !== null) judgedKnown.push(judged);
    if (p.value !== null) known.push({ weekday: wd, value: p.value, outside: judged.outside, index });
  });
  return out;
}
