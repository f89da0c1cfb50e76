import type { Db } from "@/clickhouse/client";
import type { JudgedDay } from "@/metrics/anomaly";
import { type AnomalyTarget, judgeSeries } from "./anomaly-check";
import { SERIES_WORDS } from "./anomaly-kinds";
import type { MetricRunner } from "./metric-runner";

/** Days a rule's page charts: the last eight weeks, enough to see the weekly pattern the band follows. */
const CHART_DAYS = 56;

export interface AnomalyBand {
  series: AnomalyTarget["series"];
  noun: string;
  unit: (typeof SERIES_WORDS)[AnomalyTarget["series"]]["unit"];
  days: JudgedDay[];
}

/**
 * An anomaly rule's judged days for its chart, within the reader's barrier (routers pass the
 * dashboards' cache, `cachedMetric`, as the runner).
 */
export async function anomalyBand(db: Db, runMetric: MetricRunner, target: AnomalyTarget, now: Date, workflows: string[] | null): Promise<AnomalyBand> {
  const judged = await judgeSeries(db, runMetric, target, now, workflows);
  const words = SERIES_WORDS[target.series];
  return { series: target.series, noun: words.noun, unit: words.unit, days: judged.slice(-CHART_DAYS) };
}
