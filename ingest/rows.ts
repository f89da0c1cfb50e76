import { z } from "zod";

/**
 * The rows every collector produces (OTLP, baseline import, demo) — one shape per telemetry table,
 * so all of them go through the same insert path. Times are Dates or epoch milliseconds (`Time`): the
 * collectors' hot path skips Date objects, whose JSON form costs an ISO string per value; both
 * serialize to what ClickHouse reads into DateTime64(3) (an integer there is milliseconds).
 */

/** A point in time: a Date, or epoch milliseconds. */
export const time = z.union([z.date(), z.number().int()]);
export type Time = z.infer<typeof time>;

/** Epoch milliseconds of a `Time`. */
export const epochMs = (t: Time): number => (typeof t === "number" ? t : t.getTime());

/** `manual`: a run still done by hand after go-live (issue 27); it counts as neither live nor baseline. */
export const phase = z.enum(["baseline", "live", "manual"]);
/** `unknown`: the record does not say how the run ended (an event log with no outcome column). */
export const outcome = z.enum(["completed", "exception", "failed", "cancelled", "unknown"]);
export const actor = z.enum(["unknown", "ai", "human", "system"]);
export const spanStatus = z.enum(["unset", "ok", "error"]);
export const reviewOutcome = z.enum(["", "approved", "corrected", "rejected"]);

export const runRow = z.object({
  tenant_id: z.string().min(1),
  workflow: z.string().min(1),
  run_id: z.string().min(1),
  trace_id: z.string().default(""),
  span_id: z.string().default(""),
  phase,
  start_time: time,
  end_time: time,
  outcome,
  exception_reason: z.string().default(""),
  subject_hash: z.string().default(""),
  human_minutes: z.number().nonnegative().nullable().default(null),
  origin: z.string().default("otlp"),
  import_id: z.string().default(""),
  attributes: z.record(z.string(), z.string()).default({}),
});
export type RunRow = z.input<typeof runRow>;

export const stepRow = z.object({
  tenant_id: z.string().min(1),
  workflow: z.string().default(""),
  run_id: z.string().min(1),
  trace_id: z.string().default(""),
  span_id: z.string().min(1),
  parent_span_id: z.string().default(""),
  step: z.string().min(1),
  actor: actor.default("unknown"),
  phase,
  start_time: time,
  end_time: time,
  status: spanStatus.default("unset"),
  human_minutes: z.number().nonnegative().default(0),
  intervention: z.union([z.literal(0), z.literal(1)]).default(0),
  intervention_reason: z.string().default(""),
  data_classification: z.string().default(""),
  resource: z.string().default(""),
  gen_ai_provider: z.string().default(""),
  request_model: z.string().default(""),
  response_model: z.string().default(""),
  model_version: z.string().default(""),
  prompt_version: z.string().default(""),
  input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  output_id: z.string().default(""),
  confidence: z.number().nullable().default(null),
  review_required: z.union([z.literal(0), z.literal(1)]).default(0),
  review_outcome: reviewOutcome.default(""),
  review_output_id: z.string().default(""),
  origin: z.string().default("otlp"),
  import_id: z.string().default(""),
  attributes: z.record(z.string(), z.string()).default({}),
});
export type StepRow = z.input<typeof stepRow>;

export const sourceSyncRow = z.object({
  tenant_id: z.string().min(1),
  source: z.string().min(1),
  trace_id: z.string().default(""),
  span_id: z.string().min(1),
  start_time: time,
  end_time: time,
  status: spanStatus.default("unset"),
  watermark: time.nullable().default(null),
  records: z.number().int().nonnegative().default(0),
  invalid: z.number().int().nonnegative().default(0),
  origin: z.string().default("otlp"),
});
export type SourceSyncRow = z.input<typeof sourceSyncRow>;

export const dataAccessRow = z.object({
  tenant_id: z.string().min(1),
  event_id: z.string().min(1),
  time,
  source: z.string().default(""),
  workflow: z.string().default(""),
  user_role: z.string().default(""),
  data_classification: z.string().default(""),
  decision: z.enum(["allow", "deny"]),
  trace_id: z.string().default(""),
  span_id: z.string().default(""),
  origin: z.string().default("otlp"),
});
export type DataAccessRow = z.input<typeof dataAccessRow>;

export const ingestStatRow = z.object({
  tenant_id: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  channel: z.string().min(1),
  source: z.string().default(""),
  reason: z.string().default(""),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
});
export type IngestStatRow = z.input<typeof ingestStatRow>;

/** A business figure's data point (migration 0190, ingest/business-measures.ts). */
export const businessPointRow = z.object({
  tenant_id: z.string().min(1),
  measure: z.string().min(1),
  series: z.string().default(""),
  dimensions: z.record(z.string(), z.string()).default({}),
  temporality: z.enum(["delta", "cumulative", "gauge"]),
  start_time: time,
  time,
  value: z.number(),
  origin: z.string().default("otlp"),
  import_id: z.string().default(""),
});
export type BusinessPointRow = z.input<typeof businessPointRow>;

/** Rows for several tables that belong to one unit of work (a request, an import chunk). */
export interface RowBatch {
  runs?: RunRow[];
  steps?: StepRow[];
  sourceSyncs?: SourceSyncRow[];
  dataAccess?: DataAccessRow[];
  ingestStats?: IngestStatRow[];
  businessPoints?: BusinessPointRow[];
}

export const TABLE_OF: Record<keyof RowBatch, string> = {
  runs: "runs",
  steps: "steps",
  sourceSyncs: "source_syncs",
  dataAccess: "data_access_events",
  ingestStats: "ingest_stats",
  businessPoints: "business_points",
};

export function batchSize(b: RowBatch): number {
  return (b.runs?.length ?? 0) + (b.steps?.length ?? 0) + (b.sourceSyncs?.length ?? 0) + (b.dataAccess?.length ?? 0) + (b.ingestStats?.length ?? 0) + (b.businessPoints?.length ?? 0);
}
