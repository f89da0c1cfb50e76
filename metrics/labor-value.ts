import { round } from "./define-metric";
import { type TokenUsage, tokenCost } from "./ai-usage";
import type { ModelPrice } from "./model-prices";
import { addDays, dayString } from "./scope";
import type { BaselineLock, WorkflowSettings } from "./workflow-settings";

/**
 * The pure arithmetic of labor hours, value, costs and payback (docs/metrics.md, "Labor hours and
 * ROI"), over rows that labor-hours.ts loads: per workflow and UTC day, the live runs (each once) and
 * their human minutes, and AI token usage (each step once).
 */
export interface LiveDay {
  workflow: string;
  date: string;
  runs: number;
  minutes: number;
}

export interface LaborWorkflow {
  workflow: string;
  baseline_minutes: number | null;
  baseline_source: "measured" | "declared" | null;
  baseline_version: number | null;
  live_runs: number;
  hours: number | null;
  hours_interval: [number, number] | null;
  /** Loaded hourly cost; null when not set (0), so the hours have no value. */
  hourly_cost: number | null;
}

export interface WorkflowInputs {
  settings?: WorkflowSettings;
  lock?: BaselineLock;
  declaredMinutes?: number;
  spread?: { n: number; sd: number | null };
  days: LiveDay[];
  tokens: TokenUsage[];
}

export interface Window {
  from: string;
  /** Exclusive. */
  to: string;
  days: number;
}

export interface WorkflowFigures {
  row: LaborWorkflow;
  /** Half-width of the hours interval; 0 without a measured spread. */
  half: number;
  measured: boolean;
  /** Value of the window's hours; null when the hours need a price and the hourly cost is not set. */
  value: number | null;
  aiCost: number;
  unpriced: Set<string>;
  platform: number;
  recurring: number;
}

export const DAYS_PER_MONTH = 365.25 / 12;

/** One workflow's hours, interval, value and running costs over the window. */
export function workflowFigures(workflow: string, w: WorkflowInputs, win: Window, prices: Record<string, ModelPrice>): WorkflowFigures {
  const inWindow = (day: string) => day >= win.from && day < win.to;
  const rows = w.days.filter((d) => inWindow(d.date));
  const n = rows.reduce((a, d) => a + d.runs, 0);
  const hourly = (w.settings?.hourly_cost ?? 0) > 0 ? w.settings!.hourly_cost : null;
  const ai = tokenCost(w.tokens.filter((t) => inWindow(t.date)), prices);
  const costs = {
    aiCost: ai.cost,
    unpriced: ai.unpriced,
    platform: ((w.settings?.platform_cost_monthly ?? 0) / DAYS_PER_MONTH) * win.days,
    recurring: ((w.settings?.recurring_investment_monthly ?? 0) / DAYS_PER_MONTH) * win.days,
  };
  const lockMinutes = w.lock?.mean_human_minutes ?? null;
  const b = lockMinutes ?? w.declaredMinutes ?? null;
  const base = { workflow, baseline_version: w.lock?.version ?? null, live_runs: n, hourly_cost: hourly };
  if (b === null) {
    return { row: { ...base, baseline_minutes: null, baseline_source: null, hours: null, hours_interval: null }, half: 0, measured: false, value: 0, ...costs };
  }
  const hours = (n * b - rows.reduce((a, d) => a + d.minutes, 0)) / 60;
  const measured = w.lock?.method === "measured" && lockMinutes !== null;
  const sp = w.spread;
  const se = measured && sp && sp.n > 1 && sp.sd !== null ? sp.sd / Math.sqrt(sp.n) : null;
  const half = se === null ? 0 : (1.96 * n * se) / 60;
  return {
    row: {
      ...base,
      baseline_minutes: round(b),
      baseline_source: lockMinutes !== null ? w.lock!.method : "declared",
      hours: round(hours),
      hours_interval: se === null ? null : [round(hours - half), round(hours + half)],
    },
    half,
    measured: se !== null,
    // No live run, no hours to price: a missing hourly cost then hides nothing.
    value: n === 0 ? 0 : hourly === null ? null : hours * hourly,
    ...costs,
  };
}

export interface Payback {
  /** First day cumulative net value covers the one-time investment; projected at the last 30 days' pace when not yet. */
  date: string | null;
  projected: boolean;
  /** The one-time investment of the workflows with a go-live date. */
  implementation_cost: number;
  /** Why payback cannot be told (a cost or a value is unknown since go-live); null when it can. */
  unknown_reason: string | null;
}

/**
 * Net value per day since each workflow's go-live: value of the day's hours, less the day's AI cost,
 * platform cost and recurring investment. Unknown (a reason) when a value or a cost since go-live is.
 */
export function dailyNet(
  workflows: Map<string, WorkflowInputs>,
  prices: Record<string, ModelPrice>,
  to: Date,
): { daily: Map<string, number>; investments: Map<string, number>; investment: number; unknown: string | null } {
  const daily = new Map<string, number>();
  const investments = new Map<string, number>();
  const add = (day: string, v: number) => daily.set(day, (daily.get(day) ?? 0) + v);
  const unpriced = new Set<string>();
  const noCost: string[] = [];
  let investment = 0;
  for (const [wf, w] of workflows) {
    const goLive = w.settings?.go_live_date;
    if (!goLive) continue;
    investment += w.settings?.implementation_cost ?? 0;
    // The one-time investment is booked on its workflow's go-live day: one payback for the tile and
    // the payback curve (progress-months.ts).
    investments.set(goLive, (investments.get(goLive) ?? 0) + (w.settings?.implementation_cost ?? 0));
    const b = w.lock?.mean_human_minutes ?? w.declaredMinutes ?? null;
    const hourly = w.settings?.hourly_cost ?? 0;
    const days = w.days.filter((d) => d.date >= goLive && d.runs > 0);
    if (b !== null && hourly <= 0 && days.length > 0) noCost.push(wf);
    if (b !== null) for (const d of days) add(d.date, ((d.runs * b - d.minutes) / 60) * hourly);
    for (const t of w.tokens.filter((x) => x.date >= goLive)) {
      const c = tokenCost([t], prices);
      c.unpriced.forEach((m) => unpriced.add(m));
      add(t.date, -c.cost);
    }
    const perDay = ((w.settings?.platform_cost_monthly ?? 0) + (w.settings?.recurring_investment_monthly ?? 0)) / DAYS_PER_MONTH;
    for (let day = new Date(Date.parse(goLive)); day < to; day = addDays(day, 1)) add(dayString(day), -perDay);
  }
  const unknown = noCost.length
    ? `hourly cost not set for ${noCost.sort().join(", ")}`
    : unpriced.size
      ? `AI cost incomplete: no price for ${[...unpriced].sort().join(", ")}`
      : null;
  return { daily, investments, investment, unknown };
}

/**
 * The day from which the cumulative net value, each one-time investment booked on its go-live day
 * (dailyNet), has been at least 0 and stayed there; else projected at the last 30 days' pace.
 */
export function payback(net: { daily: Map<string, number>; investments: Map<string, number>; investment: number }, to: Date, unknown: string | null): Payback {
  const { daily, investments, investment } = net;
  const base = { implementation_cost: investment, unknown_reason: unknown };
  if (unknown || investment <= 0) return { date: null, projected: false, ...base };
  const days = [...daily.entries()].sort(([a], [b]) => a.localeCompare(b));
  const allDays = [...new Set([...daily.keys(), ...investments.keys()])].sort();
  let cum = 0;
  let paid: string | null = null;
  for (const day of allDays) {
    const before = cum;
    const invested = investments.get(day) ?? 0;
    cum += (daily.get(day) ?? 0) - invested;
    // Paid back on the day the cumulative climbs out of the investments' hole; a later go-live's
    // investment that digs a new one undoes it, so a date shown as reached still holds today.
    if ((before < 0 || invested > 0) && cum >= 0) paid = day;
    if (cum < 0) paid = null;
  }
  if (paid) return { date: paid, projected: false, ...base };
  const recent = days.slice(-30);
  const pace = recent.reduce((a, [, v]) => a + v, 0) / Math.max(recent.length, 1);
  if (pace <= 0) return { date: null, projected: false, ...base };
  return { date: dayString(addDays(to, Math.ceil(-cum / pace) - 1)), projected: true, ...base };
}
