import type { Db } from "@/clickhouse/client";
import { DEFAULT_PERSISTENCE } from "@/metrics/anomaly";
import { scopeOf } from "@/metrics/scope";
import { workflowSettings } from "@/metrics/workflow-settings";
import { judgeSeries } from "./anomaly-check";
import { type AnomalySeries, SERIES_WORDS, seriesValue } from "./anomaly-kinds";
import type { MetricRunner } from "./metric-runner";

/** The series the dashboards mark: a workflow's run volume and exception rate, the two its weekly charts and trend show. */
const MARKED: AnomalySeries[] = ["run-volume", "exception-rate"];

export interface AnomalyMarker {
  /** UTC day the anomaly started firing. */
  date: string;
  workflow: string;
  series: AnomalySeries;
  label: string;
}

/**
 * Anomalies as chart markers: the first day of each firing stretch of each marked series of each
 * workflow in scope, judged with the rule defaults (medium sensitivity, 2 of 3 days) over the detector's
 * read window, so a marker shows whether or not anyone wrote a rule. `workflows` is the reader's barrier.
 */
export async function anomalyMarkers(db: Db, runMetric: MetricRunner, q: { tenantId: string; workflow?: string; workflows: string[] | null }, now: Date): Promise<AnomalyMarker[]> {
  const scope = scopeOf({ tenantId: q.tenantId, workflow: q.workflow, workflows: q.workflows });
  const names = [...(await workflowSettings(db, scope.params)).keys()];
  const jobs = names.flatMap((workflow) => MARKED.map((series) => ({ workflow, series })));
  const found = await Promise.all(
    jobs.map(async ({ workflow, series }) => {
      const days = await judgeSeries(db, runMetric, { tenantId: q.tenantId, series, workflow, sensitivity: "medium", persistence: DEFAULT_PERSISTENCE }, now, q.workflows);
      // A stretch continues across unknown days (a quiet weekend): one marker per stretch.
      const known = days.filter((d) => d.value !== null && d.expected !== null);
      return known.flatMap((d, i): AnomalyMarker[] =>
        d.firing && !known[i - 1]?.firing ? [{ date: d.day, workflow, series, label: `${workflow}: ${SERIES_WORDS[series].noun} ${seriesValue(series, d.value!)} (typical ${seriesValue(series, d.expected!)})` }] : [],
      );
    }),
  );
  return found.flat().sort((a, b) => a.date.localeCompare(b.date) || a.workflow.localeCompare(b.workflow));
}
