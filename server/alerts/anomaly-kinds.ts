/**
 * The series an anomaly rule can watch (issue 27), named as people say them, with their unit and
 * whether they belong to a workflow (else to the firm: ingest, sources). Free of storage code, so the
 * rule form can list them.
 */
export const ANOMALY_SERIES = ["exception-rate", "cycle-time", "run-volume", "ingest-rejects", "source-freshness", "ai-cost-per-run"] as const;
export type AnomalySeries = (typeof ANOMALY_SERIES)[number];

export const SERIES_WORDS: Record<AnomalySeries, { noun: string; unit: "ratio" | "hours" | "runs" | "minutes" | "usd"; perWorkflow: boolean }> = {
  "exception-rate": { noun: "exception rate", unit: "ratio", perWorkflow: true },
  "cycle-time": { noun: "median cycle time", unit: "hours", perWorkflow: true },
  "run-volume": { noun: "run volume", unit: "runs", perWorkflow: true },
  "ingest-rejects": { noun: "share of spans rejected", unit: "ratio", perWorkflow: false },
  "source-freshness": { noun: "source lag", unit: "minutes", perWorkflow: false },
  "ai-cost-per-run": { noun: "AI cost per run", unit: "usd", perWorkflow: true },
};

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** A value of a series in its unit: a ratio as a percentage, cost in dollars. */
export function seriesValue(series: AnomalySeries, v: number): string {
  switch (SERIES_WORDS[series].unit) {
    case "ratio":
      return `${trim(v * 100, 1)}%`;
    case "hours":
      return `${trim(v, 2)} h`;
    case "runs":
      return `${trim(v, 0)} runs`;
    case "minutes":
      return `${trim(v, 0)} min`;
    case "usd":
      return `$${trim(v, 4)}`;
  }
}
