import { linearTrend } from "./stats";

export type MilestoneStatus = "met" | "missed" | "on track" | "at risk" | "no data";

export interface Goal {
  /** The value to reach; without a target the locked baseline is the bar. */
  bar: number;
  /** "up": value ≥ bar is good (compression, hours); "down": value ≤ bar is good (exception rate). */
  direction: "up" | "down";
}

export const reaches = (value: number, goal: Goal): boolean => (goal.direction === "up" ? value >= goal.bar : value <= goal.bar);

/** A passed checkpoint is met or missed on its measured value; no value means no data. */
export function passedStatus(value: number | null, goal: Goal | null): MilestoneStatus {
  if (value === null || goal === null) return "no data";
  return reaches(value, goal) ? "met" : "missed";
}

export interface Projection {
  method: "weekly trend" | "current 30-day value";
  value: number;
  slope_per_week: number | null;
}

/** The values a metric can take; a projection is clamped into it. */
export interface Range {
  min: number;
  max: number;
}

/**
 * Compression 1 − p50 live / p50 baseline can fall below 0 (live slower than the baseline, without
 * bound) but never exceeds 1 (a cycle time is not negative): (−∞, 1]. A rate is a share of runs: [0, 1].
 * Hours displaced are not negative and have no upper bound. A straight line leaves every one of these
 * sooner or later ("121.9% compression", "−4.8% exception rate"), so the line's value is clamped.
 */
export const RANGES = {
  compression: { min: Number.NEGATIVE_INFINITY, max: 1 },
  rate: { min: 0, max: 1 },
  hours: { min: 0, max: Number.POSITIVE_INFINITY },
} as const satisfies Record<string, Range>;

/** A trend needs this many weeks, each with at least MIN_WEEK_RUNS runs when the week says how many. */
export const MIN_TREND_WEEKS = 4;
export const MIN_WEEK_RUNS = 5;

export interface WeeklyPoint {
  week: string;
  value: number;
  /** Runs behind the week's value; a week with fewer than MIN_WEEK_RUNS is not evidence of a trend. */
  n?: number;
}

const clamp = (v: number, r: Range) => Math.min(r.max, Math.max(r.min, v));

/**
 * Projects a weekly series to the checkpoint with a least-squares line (DESIGN.md §3.8), from at least
 * MIN_TREND_WEEKS weeks of MIN_WEEK_RUNS runs or more; otherwise the current trailing value stands in
 * and says so (it is only given when measured on enough runs), and with neither there is no projection:
 * a line through one or two thin weeks, or through none, is not a forecast. `range` defaults to the
 * compression range, the widest of the ratios projected today; pass RANGES.rate for a rate.
 */
export function project(weekly: WeeklyPoint[], current: number | null, at: Date, range: Range = RANGES.compression): Projection | null {
  const solid = weekly.filter((w) => Number.isFinite(w.value) && (w.n === undefined || w.n >= MIN_WEEK_RUNS));
  if (solid.length >= MIN_TREND_WEEKS) {
    const fit = linearTrend(
      solid.map((w) => Date.parse(w.week) / 604_800_000),
      solid.map((w) => w.value),
    );
    if (fit) return { method: "weekly trend", value: clamp(fit.intercept + fit.slope * (at.getTime() / 604_800_000), range), slope_per_week: fit.slope };
  }
  return current === null || !Number.isFinite(current) ? null : { method: "current 30-day value", value: clamp(current, range), slope_per_week: null };
}

export function upcomingStatus(projection: Projection | null, goal: Goal | null): MilestoneStatus {
  if (projection === null || goal === null) return "no data";
  return reaches(projection.value, goal) ? "on track" : "at risk";
}

/** A checkpoint's overall status: the worst of its metrics. */
export function overall(statuses: MilestoneStatus[]): MilestoneStatus {
  for (const s of ["missed", "at risk"] as const) if (statuses.includes(s)) return s;
  const known = statuses.filter((s) => s !== "no data");
  if (known.length === 0) return "no data";
  return known.includes("on track") ? "on track" : "met";
}
