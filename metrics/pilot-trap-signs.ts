import { MIN_RUNS, round } from "./define-metric";

/**
 * The pilot-trap signs (docs/metrics.md, "Pilot trap"), judged from per-day counts: pure, so a test
 * and the reference reading compute the same thing. Each sign is judged over the window; the date it
 * started is found week by week (see `sinceOf`).
 */

/** Human minutes per live run must fall by at least this share of the locked baseline's, or the sign shows. */
export const MIN_HUMAN_MINUTES_DROP = 0.2;
/** An AI and a person doing the same step on more than this share of live runs. */
export const DUPLICATED_STEP_SHARE = 0.5;
/** Live runs a week below this share of the baseline's weekly volume… */
export const LOW_VOLUME_SHARE = 0.5;
/** …while manual runs a week (reported or declared) stay at or above this share of it. */
export const MANUAL_VOLUME_SHARE = 0.1;
/** More than this share of reviews of AI outputs correct or reject them. */
export const CORRECTED_REVIEW_SHARE = 0.5;
/** Fewer live runs (or reviews) than this in the window: the sign is insufficient data. */
export const MIN_SIGN_RUNS = MIN_RUNS;
/** A week with fewer live runs (or reviews) than this says nothing about when a sign started. */
export const MIN_WEEK_RUNS = 5;

export type SignKey = "human-minutes" | "duplicated-steps" | "low-volume" | "corrected-reviews";

/** One UTC day of one workflow: counts of its live runs, manual runs and reviews started that day. */
export interface TrapDay {
  day: string;
  runs: number;
  minutes: number;
  duplicated: number;
  manual: number;
  reviews: number;
  corrected: number;
}

export interface TrapBaseline {
  /** Mean human minutes per run of the cited lock; null when it records none (or nothing is locked). */
  minutesPerRun: number | null;
  /** Baseline runs a week: the lock's runs over the weeks its runs span; null without a measured lock. */
  runsPerWeek: number | null;
  locked: boolean;
}

export interface PilotTrapSign {
  key: SignKey;
  label: string;
  status: "flagged" | "not_flagged" | "insufficient_data";
  /** Why the sign is insufficient data; null otherwise. */
  reason: string | null;
  /** The numbers behind the status, in words. */
  evidence: string;
  /** The figure compared with the threshold (null when unknown), and the threshold. */
  value: number | null;
  threshold: number;
  /** First day of the week the sign started to hold without a break (flagged signs only). */
  since: string | null;
}

type Sum = Omit<TrapDay, "day">;
const ZERO: Sum = { runs: 0, minutes: 0, duplicated: 0, manual: 0, reviews: 0, corrected: 0 };
const add = (a: Sum, d: Sum): Sum => ({
  runs: a.runs + d.runs,
  minutes: a.minutes + d.minutes,
  duplicated: a.duplicated + d.duplicated,
  manual: a.manual + d.manual,
  reviews: a.reviews + d.reviews,
  corrected: a.corrected + d.corrected,
});
const total = (days: TrapDay[]): Sum => days.reduce<Sum>(add, ZERO);
const pct = (v: number) => `${Math.round(v * 100)}%`;
const num = (v: number) => String(round(v, 1));

const DAY_MS = 86_400_000;
/** Monday of a day's ISO week, as YYYY-MM-DD. */
export function mondayOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** A sign's verdict on a week's (or the window's) counts: true/false, or null when they say too little. */
type Judge = (s: Sum) => boolean | null;

/**
 * The day a flagged sign started: going back week by week from the last, weeks that say too little are
 * skipped, flagged weeks extend the run and the first week that does not hold ends it. The run's first
 * week is the date; with no week that holds on its own, the window's first day.
 */
export function sinceOf(days: TrapDay[], judge: Judge, windowFrom: string): string {
  const weeks = new Map<string, TrapDay[]>();
  for (const d of days) weeks.set(mondayOf(d.day), [...(weeks.get(mondayOf(d.day)) ?? []), d]);
  let since: string | null = null;
  for (const week of [...weeks.keys()].sort().reverse()) {
    const verdict = judge(total(weeks.get(week) ?? []));
    if (verdict === null) continue;
    if (!verdict) break;
    since = week;
  }
  return since ?? windowFrom;
}

interface SignSpec {
  key: SignKey;
  label: string;
  threshold: number;
  /** Null when the sign can be judged; else why not. */
  unknown(s: Sum, b: TrapBaseline, weeks: number): string | null;
  value(s: Sum, b: TrapBaseline, weeks: number): number;
  flagged(s: Sum, b: TrapBaseline, weeks: number, value: number): boolean;
  evidence(s: Sum, b: TrapBaseline, weeks: number, value: number): string;
  /** The weekly verdict for `sinceOf`; null when a week says too little. */
  week(s: Sum, b: TrapBaseline): boolean | null;
}

const fewRuns = (n: number, what = "live runs") => (n < MIN_SIGN_RUNS ? `${n} ${what} in the window, fewer than ${MIN_SIGN_RUNS}` : null);

export function signSpecs(manualDeclared: number): SignSpec[] {
  const manualPerWeek = (s: Sum, weeks: number) => Math.max(s.manual / weeks, manualDeclared);
  const lowVolume = (s: Sum, b: TrapBaseline, weeks: number) => {
    const base = b.runsPerWeek ?? 0;
    return s.runs / weeks < LOW_VOLUME_SHARE * base && manualPerWeek(s, weeks) >= MANUAL_VOLUME_SHARE * base;
  };
  return [
    {
      key: "human-minutes",
      label: "Human minutes per run not falling",
      threshold: 1 - MIN_HUMAN_MINUTES_DROP,
      unknown: (s, b) => (!b.locked ? "baseline not locked" : b.minutesPerRun === null || b.minutesPerRun <= 0 ? "the baseline records no human minutes" : fewRuns(s.runs)),
      value: (s, b) => s.minutes / s.runs / (b.minutesPerRun ?? 1),
      flagged: (_s, _b, _w, v) => v > 1 - MIN_HUMAN_MINUTES_DROP,
      evidence: (s, b, _w, v) => `${num(s.minutes / s.runs)} human min per live run against ${num(b.minutesPerRun ?? 0)} in the locked baseline (${pct(v)} of it; it should fall below ${pct(1 - MIN_HUMAN_MINUTES_DROP)})`,
      week: (s, b) => (s.runs < MIN_WEEK_RUNS || !b.minutesPerRun ? null : s.minutes / s.runs / b.minutesPerRun > 1 - MIN_HUMAN_MINUTES_DROP),
    },
    {
      key: "duplicated-steps",
      label: "AI and a person doing the same step",
      threshold: DUPLICATED_STEP_SHARE,
      unknown: (s) => fewRuns(s.runs),
      value: (s) => s.duplicated / s.runs,
      flagged: (_s, _b, _w, v) => v > DUPLICATED_STEP_SHARE,
      evidence: (s, _b, _w, v) => `${s.duplicated} of ${s.runs} live runs (${pct(v)}) have a step done both by AI and by a person`,
      week: (s) => (s.runs < MIN_WEEK_RUNS ? null : s.duplicated / s.runs > DUPLICATED_STEP_SHARE),
    },
    {
      key: "low-volume",
      label: "Live volume low while manual work persists",
      threshold: LOW_VOLUME_SHARE,
      unknown: (_s, b) => (!b.locked ? "baseline not locked" : b.runsPerWeek === null || b.runsPerWeek <= 0 ? "the baseline's weekly volume is not known (declared baseline)" : null),
      value: (s, b, weeks) => s.runs / weeks / (b.runsPerWeek ?? 1),
      flagged: (s, b, weeks) => lowVolume(s, b, weeks),
      evidence: (s, b, weeks) =>
        `${num(s.runs / weeks)} live runs a week against ${num(b.runsPerWeek ?? 0)} in the baseline, with ${num(manualPerWeek(s, weeks))} manual runs a week ` +
        `(${s.manual} reported as manual${manualDeclared > 0 ? `, ${num(manualDeclared)} a week declared` : ""})`,
      week: (s, b) => (b.runsPerWeek ? lowVolume(s, b, 1) : null),
    },
    {
      key: "corrected-reviews",
      label: "Reviews correcting most AI outputs",
      threshold: CORRECTED_REVIEW_SHARE,
      unknown: (s) => fewRuns(s.reviews, "reviews of AI outputs"),
      value: (s) => s.corrected / s.reviews,
      flagged: (_s, _b, _w, v) => v > CORRECTED_REVIEW_SHARE,
      evidence: (s, _b, _w, v) => `${s.corrected} of ${s.reviews} reviews of AI outputs (${pct(v)}) corrected or rejected them`,
      week: (s) => (s.reviews < MIN_WEEK_RUNS ? null : s.corrected / s.reviews > CORRECTED_REVIEW_SHARE),
    },
  ];
}

export interface TrapWindow {
  /** First and last UTC day of the window, inclusive. */
  from: string;
  to: string;
  days: number;
}

/**
 * Every sign of one workflow: judged on the window's days, and for a flagged sign the week it started,
 * from `days` (every day since go-live up to the window's end).
 */
export function judgeSigns(days: TrapDay[], w: TrapWindow, b: TrapBaseline, manualDeclared: number): PilotTrapSign[] {
  const inWindow = total(days.filter((d) => d.day >= w.from && d.day <= w.to));
  const weeks = w.days / 7;
  return signSpecs(manualDeclared).map((spec) => {
    const base = { key: spec.key, label: spec.label, threshold: spec.threshold, since: null };
    const reason = spec.unknown(inWindow, b, weeks);
    if (reason !== null) return { ...base, status: "insufficient_data", reason, evidence: `Insufficient data: ${reason}`, value: null };
    const value = spec.value(inWindow, b, weeks);
    const flagged = spec.flagged(inWindow, b, weeks, value);
    return {
      ...base,
      status: flagged ? "flagged" : "not_flagged",
      reason: null,
      evidence: spec.evidence(inWindow, b, weeks, value),
      value: round(value),
      since: flagged ? sinceOf(days, (s) => spec.week(s, b), w.from) : null,
    };
  });
}
