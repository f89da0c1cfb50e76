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

/**
 * Projects a weekly series to the checkpoint with a least-squares line (DESIGN.md §3.8); with fewer
 * than three weeks the current trailing value stands in, and says so.
 */
export function project(weekly: { week: string; value: number }[], current: number | null, at: Date): Projection | null {
  if (weekly.length >= 3) {
    const fit = linearTrend(
      weekly.map((w) => Date.parse(w.week) / 604_800_000),
      weekly.map((w) => w.value),
    );
    if (fit) return { method: "weekly trend", value: fit.intercept + fit.slope * (at.getTime() / 604_800_000), slope_per_week: fit.slope };
  }
  return current === null ? null : { method: "current 30-day value", value: current, slope_per_week: null };
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
