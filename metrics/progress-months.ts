import { MIN_RUNS, round } from "./define-metric";
import { type WorkflowInputs, dailyNet, payback, workflowFigures } from "./labor-value";
import type { ModelPrice } from "./model-prices";
import { addDays, dayString } from "./scope";

/**
 * Progress since go-live by calendar month (docs/metrics.md, "Progress since go-live"): the pure
 * arithmetic over the rows labor-hours.ts loads. Each month is a window of labor-value.ts's
 * `workflowFigures`, so a month's hours, value and costs are the labor-hours metric's for that month.
 */
export interface MonthWindow {
  /** YYYY-MM. */
  month: string;
  /** First UTC day, inclusive. */
  from: string;
  /** Last UTC day, inclusive (today for the current month). */
  to: string;
  /** The month is still running. */
  partial: boolean;
}

export interface MonthPoint extends MonthWindow {
  live_runs: number;
  /** Null when no workflow in scope has a baseline, or below MIN_RUNS live runs (as labor-hours). */
  hours: number | null;
  /** Null with the hours, or when a workflow with live runs that month has no hourly cost. */
  value: number | null;
  /** Why the month's hours are not shown; null when they are. */
  reason: string | null;
}

export interface PaybackPoint extends MonthWindow {
  /** Value of the hours since go-live up to the month's end; null from the first month a value is unknown. */
  cumulative_value: number | null;
  /** One-time investment at go-live + recurring investment + platform cost + AI cost; null from the first month a cost is unknown. */
  cumulative_cost: number | null;
}

export interface PaybackCurve {
  points: PaybackPoint[];
  /** First month cumulative value reaches cumulative cost, with a one-time investment to pay back. */
  payback_month: string | null;
  implementation_cost: number;
  /** Why the curve stops (hourly cost not set, a model with no price), and from which month. */
  unknown_reason: string | null;
  unknown_from: string | null;
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
const DAY_MS = 86_400_000;

/** Calendar months from `first`'s month through the month of the day before `end` (exclusive end). */
export function monthWindows(first: Date, end: Date): MonthWindow[] {
  const out: MonthWindow[] = [];
  for (let m = monthStart(first); m < end; m = nextMonth(m)) {
    const stop = nextMonth(m) < end ? nextMonth(m) : end;
    out.push({ month: dayString(m).slice(0, 7), from: dayString(m), to: dayString(addDays(stop, -1)), partial: stop < nextMonth(m) });
  }
  return out;
}

/** The first day of the month `count − 1` months before the month of the day before `end`: `count` months in all. */
export function monthsBack(end: Date, count: number): Date {
  const last = monthStart(addDays(end, -1));
  return new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - (count - 1), 1));
}

const windowOf = (from: string, toInclusive: string) => {
  const to = dayString(addDays(new Date(`${toInclusive}T00:00:00Z`), 1));
  return { from, to, days: (Date.parse(to) - Date.parse(from)) / DAY_MS };
};

/** Hours displaced and their value per month, firm-wide over the workflows in scope (labor-hours' sums). */
export function monthlyHours(workflows: Map<string, WorkflowInputs>, months: MonthWindow[], prices: Record<string, ModelPrice>): MonthPoint[] {
  return months.map((m) => {
    const figures = [...workflows].map(([wf, w]) => workflowFigures(wf, w, windowOf(m.from, m.to), prices));
    const counted = figures.filter((f) => f.row.hours !== null);
    const runs = counted.reduce((a, f) => a + f.row.live_runs, 0);
    // labor-hours' own gate: no baseline, or fewer than MIN_RUNS live runs, is insufficient data.
    const reason = counted.length === 0 ? "No locked or declared baseline" : runs < MIN_RUNS ? `Needs ${MIN_RUNS} live runs; has ${runs}` : null;
    const value = reason || figures.some((f) => f.value === null) ? null : figures.reduce((a, f) => a + (f.value ?? 0), 0);
    return {
      ...m,
      live_runs: figures.reduce((a, f) => a + f.row.live_runs, 0),
      hours: reason ? null : round(counted.reduce((a, f) => a + (f.row.hours ?? 0), 0), 2),
      value: value === null ? null : round(value, 2),
      reason,
    };
  });
}

/** One month's value and cost of the workflows live in it, counted from each go-live day; reasons when unknown. */
function monthSinceGoLive(workflows: Map<string, WorkflowInputs>, m: MonthWindow, prices: Record<string, ModelPrice>) {
  let value = 0;
  let cost = 0;
  const reasons: string[] = [];
  for (const [wf, w] of workflows) {
    const goLive = w.settings?.go_live_date;
    if (!goLive || goLive > m.to) continue;
    const from = goLive > m.from ? goLive : m.from;
    const f = workflowFigures(wf, w, windowOf(from, m.to), prices);
    if (f.value === null) reasons.push(`hourly cost not set for ${wf}`);
    if (f.unpriced.size) reasons.push(`AI cost incomplete: no price for ${[...f.unpriced].sort().join(", ")}`);
    value += f.value ?? 0;
    cost += f.aiCost + f.platform + f.recurring + (goLive >= m.from ? (w.settings?.implementation_cost ?? 0) : 0);
  }
  return { value, cost, reason: reasons.length ? reasons.join("; ") : null };
}

/**
 * Cumulative value against cumulative cost since the first go-live, month by month (the payback curve).
 * An unknown value or cost makes the month and every later one unknown, with the reason: a cost left out
 * would draw payback too early.
 */
export function paybackCurve(workflows: Map<string, WorkflowInputs>, months: MonthWindow[], prices: Record<string, ModelPrice>): PaybackCurve {
  const investment = [...workflows.values()].reduce((a, w) => a + (w.settings?.go_live_date ? (w.settings.implementation_cost ?? 0) : 0), 0);
  let [value, cost] = [0, 0];
  let unknown: { reason: string; month: string } | null = null;
  let paid: string | null = null;
  const points: PaybackPoint[] = [];
  for (const m of months) {
    const month: ReturnType<typeof monthSinceGoLive> | null = unknown ? null : monthSinceGoLive(workflows, m, prices);
    if (month?.reason) unknown = { reason: month.reason, month: m.month };
    if (!month || unknown) {
      points.push({ ...m, cumulative_value: null, cumulative_cost: null });
      continue;
    }
    value += month.value;
    cost += month.cost;
    points.push({ ...m, cumulative_value: round(value, 2), cumulative_cost: round(cost, 2) });
  }
  // The payback month is the month of the payback date (labor-value.ts), never a second reckoning.
  const last = months.at(-1);
  if (!unknown && last) {
    const net = dailyNet(workflows, prices, new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000));
    const p = payback(net, new Date(), net.unknown);
    paid = p.date && !p.projected ? p.date.slice(0, 7) : null;
  }
  return { points, payback_month: paid, implementation_cost: investment, unknown_reason: unknown?.reason ?? null, unknown_from: unknown?.month ?? null };
}
