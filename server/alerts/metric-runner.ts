import type { Db } from "@/clickhouse/client";

/** The metrics engine's contract (metrics/registry.ts `runMetric`), restated so alerts can be tested alone. */
export const METRIC_KEYS = [
  "cycle-time",
  "exception-rate",
  "labor-hours",
  "freshness",
  "compliance",
  "rework",
  "ingest-completeness",
  "milestones",
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface MetricInput {
  tenantId: string;
  workflow?: string;
  workflows?: string[] | null;
  phase?: "baseline" | "live";
  from?: Date;
  to?: Date;
  asOf?: Date;
  grain?: "day" | "week" | "month";
}

/** The fields every metric result has; metric-specific detail rides along untyped and is parsed where used. */
export interface MetricResult {
  key: string;
  title: string;
  unit: string;
  status: "ok" | "insufficient_data";
  reason?: string;
  headline: { value: number | null; unit: string; label: string };
}

export type MetricRunner = (db: Db, key: MetricKey, input: MetricInput) => Promise<MetricResult>;
