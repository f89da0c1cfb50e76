import type { Db } from "@/clickhouse/client";
import { runDefinition, type MetricDefinition, type MetricInput, type MetricResultBase } from "./define-metric";
import { cycleTime, type CycleTimeResult } from "./cycle-time";
import { exceptionRate, type ExceptionRateResult } from "./exception-rate";
import { laborHours, type LaborHoursResult } from "./labor-hours";
import { freshness, type FreshnessResult } from "./freshness";
import { compliance, type ComplianceResult } from "./compliance";
import { rework, type ReworkResult } from "./rework";
import { ingestCompleteness, type IngestCompletenessResult } from "./ingest-completeness";
import { milestones, type MilestonesResult } from "./milestones";
import { progress, type ProgressResult } from "./progress";
import { businessMilestones, type BusinessMilestonesResult } from "./business-milestones";
import { controlComparison, type ControlComparisonResult } from "./control-comparison";
import { pilotTrap, type PilotTrapResult } from "./pilot-trap";

export type { MetricInput, MetricResultBase } from "./define-metric";
export type { CycleTimeResult } from "./cycle-time";
export type { ExceptionRateResult } from "./exception-rate";
export type { LaborHoursResult } from "./labor-hours";
export type { FreshnessResult } from "./freshness";
export type { ComplianceResult } from "./compliance";
export type { ReworkResult } from "./rework";
export type { IngestCompletenessResult } from "./ingest-completeness";
export type { MilestonesResult } from "./milestones";
export type { ProgressResult } from "./progress";
export type { BusinessMilestonesResult } from "./business-milestones";
export type { ControlComparisonResult } from "./control-comparison";
export type { PilotTrapResult } from "./pilot-trap";

export type MetricKey =
  | "cycle-time"
  | "exception-rate"
  | "labor-hours"
  | "freshness"
  | "compliance"
  | "rework"
  | "ingest-completeness"
  | "milestones"
  | "progress"
  | "business-milestones"
  | "control-comparison"
  | "pilot-trap";

export type MetricResult = CycleTimeResult | ExceptionRateResult | LaborHoursResult | FreshnessResult | ComplianceResult
  | ReworkResult
  | IngestCompletenessResult
  | MilestonesResult
  | ProgressResult
  | BusinessMilestonesResult
  | ControlComparisonResult
  | PilotTrapResult;

// Each definition is typed by its own result; the registry only needs the common shape.
type AnyMetric = MetricDefinition<MetricKey, unknown, MetricResultBase>;

const definitions = [cycleTime, exceptionRate, laborHours, freshness, compliance, rework, ingestCompleteness, milestones, progress, businessMilestones, controlComparison, pilotTrap] as unknown as AnyMetric[];

const byKey = new Map(definitions.map((d) => [d.key, d]));

export const metricKeys: MetricKey[] = definitions.map((d) => d.key);

/** Runs one registered metric: load (scoped SQL), then the pure compute. */
export async function runMetric(db: Db, key: MetricKey, input: MetricInput): Promise<MetricResult> {
  const def = byKey.get(key);
  if (!def) throw new Error(`Unknown metric ${key}`);
  return (await runDefinition(db, def, input)) as MetricResult;
}
