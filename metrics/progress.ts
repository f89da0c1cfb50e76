import { type ChangeMarker, loadChangeMarkers } from "./change-markers";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import { type LaborData, inputsByWorkflow, laborHours } from "./labor-hours";
import { type MonthPoint, type PaybackCurve, monthWindows, monthlyHours, monthsBack, paybackCurve } from "./progress-months";

export type { ChangeMarker } from "./change-markers";
export type { MonthPoint, PaybackCurve, PaybackPoint } from "./progress-months";

/** The trend covers the last 12 calendar months, the current one included. */
export const TREND_MONTHS = 12;

export interface ProgressResult extends MetricResultBase {
  key: "progress";
  currency: string;
  /** Hours displaced and value per month, the last TREND_MONTHS months up to the window's end. */
  months: MonthPoint[];
  /** Cumulative value against cumulative cost, from the first go-live's month. */
  payback: PaybackCurve;
  /** Go-lives, baseline locks, prompt and model changes. */
  markers: ChangeMarker[];
}

interface Data {
  labor: LaborData;
  markers: ChangeMarker[];
}

/**
 * Progress since go-live (docs/metrics.md, "Progress since go-live"): the labor-hours metric's rows
 * (each run once, the cited lock's minutes, AI cost by step) cut into calendar months, up to the
 * window's end; the window's start is not used.
 */
export const progress = defineMetric<"progress", Data, ProgressResult>({
  key: "progress",
  title: "Progress since go-live",
  unit: "hours",
  direction: "up",
  async load(db, { input, scope }) {
    // labor-hours reads from the earliest go-live or the window's start, whichever is first.
    const labor = await laborHours.load(db, { input, scope: { ...scope, from: monthsBack(scope.to, TREND_MONTHS) } });
    const markers = await loadChangeMarkers(db, scope.params, [...labor.settings.values()], scope.to);
    return { labor, markers };
  },
  compute({ labor, markers }, { scope }) {
    const workflows = inputsByWorkflow(labor);
    const months = monthlyHours(workflows, monthWindows(monthsBack(scope.to, TREND_MONTHS), scope.to), labor.prices);
    const goLives = [...labor.settings.values()].flatMap((s) => (s.go_live_date ? [s.go_live_date] : [])).sort();
    const curve = paybackCurve(workflows, goLives[0] ? monthWindows(new Date(`${goLives[0]}T00:00:00Z`), scope.to) : [], labor.prices);
    const known = months.filter((m) => m.hours !== null);
    const reason = goLives.length === 0 ? "No workflow in scope has a go-live date" : known.length === 0 ? (months.at(-1)?.reason ?? "No live runs") : undefined;
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : round(known.reduce((a, m) => a + (m.hours ?? 0), 0), 2), unit: "hours", label: `Hours displaced, last ${TREND_MONTHS} months` },
      baselineVersion: null,
      currency: [...labor.settings.values()][0]?.currency ?? "USD",
      months,
      payback: curve,
      markers,
    };
  },
});
