import type { Db } from "@/clickhouse/client";
import { DEFAULT_PERSISTENCE, detectAnomalies, HISTORY_WEEKS, type JudgedDay, type Sensitivity } from "@/metrics/anomaly";
import { addDays, startOfUtcDay } from "@/metrics/scope";
import { type AnomalySeries, SERIES_WORDS, seriesValue } from "./anomaly-kinds";
import { daysBetween, readSeries } from "./anomaly-series";
import type { Observation } from "./decide";
import type { MetricRunner } from "./metric-runner";

export interface AnomalyTarget {
  tenantId: string;
  series: AnomalySeries;
  workflow?: string;
  source?: string;
  sensitivity: Sensitivity;
  persistence: { k: number; n: number };
}

/** The sampling noise of each series (metrics/anomaly.ts `noise`): counts are Poisson, shares binomial over their runs or spans. */
const NOISE: Partial<Record<AnomalySeries, "count" | "share">> = { "run-volume": "count", "exception-rate": "share", "ingest-rejects": "share" };

/**
 * Days read: the detector's history twice over, so the days in the first history are themselves
 * judged (and a bad stretch among them left out) before the latest day is.
 */
const READ_DAYS = 2 * HISTORY_WEEKS * 7;

/**
 * The judged days up to the last complete UTC day before `now` (a day still under way would read as a
 * drop in volume). `workflows` is the reader's barrier (null: all).
 */
export async function judgeSeries(db: Db, runMetric: MetricRunner, t: AnomalyTarget, now: Date, workflows: string[] | null = null): Promise<JudgedDay[]> {
  const last = addDays(startOfUtcDay(now), -1);
  const days = daysBetween(addDays(last, -(READ_DAYS - 1)), last);
  const points = await readSeries(db, runMetric, { tenantId: t.tenantId, series: t.series, workflow: t.workflow, source: t.source, workflows }, days);
  return detectAnomalies(points, { sensitivity: t.sensitivity, persistence: t.persistence ?? DEFAULT_PERSISTENCE, zeroIsOutage: t.series === "run-volume", noise: NOISE[t.series] });
}

/** A band's text in the series' unit, its floor at zero (none of these series goes below). */
export function bandWords(series: AnomalySeries, d: JudgedDay): string {
  return `${seriesValue(series, Math.max(0, d.lower ?? 0))}–${seriesValue(series, d.upper ?? 0)}`;
}

/** The rule's one observation from its latest judged day; none (insufficient data) when that day cannot be judged. */
export function anomalyObservation(t: AnomalyTarget, judged: JudgedDay[]): { observation: Observation | null; reason: string | null } {
  const day = judged.at(-1);
  const words = SERIES_WORDS[t.series];
  const who = t.workflow ?? t.source ?? "the firm";
  if (day?.value === null) return { observation: null, reason: `${words.noun} of ${day.day} is unknown (too few runs or no data)` };
  if (!day || day.expected === null) return { observation: null, reason: `fewer than 3 weeks of ${words.noun} history to learn what is normal` };
  const where = day.outside ? (day.value > day.expected ? "above" : "below") : "within";
  const summary = `${words.noun} of ${who} was ${seriesValue(t.series, day.value)} on ${day.day}, ${where} the expected band ${bandWords(t.series, day)} (typical ${seriesValue(t.series, day.expected)})`;
  return { observation: { subject: t.workflow ?? t.source ?? "firm", firing: day.firing, value: day.value, summary }, reason: null };
}
