import type { RowBatch, RunRow, SourceSyncRow, StepRow } from "../rows";
import { InvalidAttribute, reader } from "./attribute-reader";
import { ACTORS, CLASSIFICATIONS, CONVENTION_ATTRIBUTES, OUTCOMES, PHASES, REVIEW_OUTCOMES, attr } from "./conventions";
import type { Attributes, OtlpSpan } from "./decode";
import { type Hasher, maskText, personalLabel, safeIdentifier } from "./privacy";
import { type Reason, Tally, personalData, utcDay } from "./rejections";

export interface MapContext {
  tenantId: string;
  /** The tenant's keyed hash (subject ids, personal-looking identifiers). */
  hash: Hasher;
  /** Whether the tenant allows an attribute outside the conventions to be kept. */
  allows: (name: string) => boolean;
  nowMs: number;
}

export interface Mapped {
  batch: RowBatch;
  accepted: number;
  rejected: number;
  /** The OTLP partial-success message; empty when everything was stored. */
  errorMessage: string;
}

// Plausible times: nothing before 2000, nothing more than a day ahead of the server's clock (clock
// skew), no span longer than the 400-day retention (DESIGN.md §5).
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600_000;
const LONGEST_MS = 400 * 24 * 3600_000;
const TEXT_MAX = 500;
const UINT32_MAX = 4_294_967_295;

class Rejected extends Error {
  constructor(readonly reason: Reason) {
    super(reason);
  }
}

const clip = (s: string) => (s.length > TEXT_MAX ? s.slice(0, TEXT_MAX) : s);
const text = (s: string | undefined) => (s === undefined ? "" : clip(maskText(s)));
const status = (code: number) => (code === 1 ? "ok" : code === 2 ? "error" : "unset");

/**
 * A name with a column of its own (workflow, step, source, provider, model, version), not free text:
 * one that looks like personal data refuses its span, since masking would merge it into other names.
 * Checked where it is read for storing, so a span pays no extra attribute lookups and a name the span
 * does not store (a model on a run span) refuses nothing.
 */
function label(value: string | undefined, name: string): string {
  if (value === undefined) return "";
  if (personalLabel(value)) throw new Rejected(personalData(name));
  return clip(value);
}

function extras(a: Attributes, ctx: MapContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in a) {
    if (!ctx.allows(k) || CONVENTION_ATTRIBUTES.has(k)) continue;
    // A prefix rule (`client.*`) lets the sender choose the key: it is masked like the value.
    out[clip(maskText(k))] = clip(maskText(String(a[k])));
  }
  return out;
}

function checkTimes(s: OtlpSpan, ctx: MapContext): void {
  if (s.startMs < EARLIEST_MS || s.endMs < s.startMs || s.endMs > ctx.nowMs + FUTURE_SLACK_MS || s.endMs - s.startMs > LONGEST_MS) {
    throw new Rejected("bad_timestamps");
  }
}

function runIdOf(s: OtlpSpan, r: ReturnType<typeof reader>, ctx: MapContext): string {
  const id = r.str(attr.runId);
  return id ? clip(safeIdentifier(id, ctx.hash)) : s.traceId;
}

function toRun(s: OtlpSpan, ctx: MapContext, workflow: string): RunRow {
  const r = reader(s.attributes);
  const subject = r.str(attr.subjectId);
  return {
    tenant_id: ctx.tenantId,
    workflow: label(workflow, attr.workflowName),
    run_id: runIdOf(s, r, ctx),
    trace_id: s.traceId,
    span_id: s.spanId,
    phase: r.oneOf(attr.phase, PHASES) ?? "live",
    start_time: s.startMs,
    end_time: s.endMs,
    // DESIGN.md §2: the outcome defaults from the span status.
    outcome: r.oneOf(attr.outcome, OUTCOMES) ?? (s.statusCode === 2 ? "failed" : "completed"),
    exception_reason: text(r.str(attr.exceptionReason)),
    subject_hash: subject ? ctx.hash(subject) : "",
    human_minutes: r.num(attr.humanMinutes, 0, 1e7) ?? null,
    origin: "otlp",
    attributes: extras(s.attributes, ctx),
  };
}

function toStep(s: OtlpSpan, ctx: MapContext, step: string): StepRow {
  const r = reader(s.attributes);
  const actor = r.oneOf(attr.actor, ACTORS) ?? "unknown";
  return {
    tenant_id: ctx.tenantId,
    // The run's workflow may be unknown here (the run span can arrive later): steps join runs by run_id.
    workflow: label(r.str(attr.workflowName), attr.workflowName),
    run_id: runIdOf(s, r, ctx),
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    step: label(step, attr.step),
    actor,
    phase: r.oneOf(attr.phase, PHASES) ?? "live",
    start_time: s.startMs,
    end_time: s.endMs,
    status: status(s.statusCode),
    human_minutes: r.num(attr.humanMinutes, 0, 1e7) ?? 0,
    intervention: r.bool(attr.intervention) ? 1 : 0,
    intervention_reason: text(r.str(attr.interventionReason)),
    data_classification: r.oneOf(attr.dataClassification, CLASSIFICATIONS) ?? "",
    gen_ai_provider: label(r.str(attr.genAiProvider), attr.genAiProvider),
    request_model: label(r.str(attr.requestModel), attr.requestModel),
    response_model: label(r.str(attr.responseModel), attr.responseModel),
    model_version: label(r.str(attr.modelVersion), attr.modelVersion),
    prompt_version: label(r.str(attr.promptVersion), attr.promptVersion),
    input_tokens: Math.round(r.num(attr.inputTokens, 0, UINT32_MAX) ?? 0),
    output_tokens: Math.round(r.num(attr.outputTokens, 0, UINT32_MAX) ?? 0),
    output_id: clip(safeIdentifier(r.str(attr.outputId) ?? "", ctx.hash)),
    confidence: r.num(attr.confidence, 0, 1) ?? null,
    review_required: r.bool(attr.reviewRequired) ? 1 : 0,
    review_outcome: r.oneOf(attr.reviewOutcome, REVIEW_OUTCOMES) ?? "",
    review_output_id: clip(safeIdentifier(r.str(attr.reviewOutputId) ?? "", ctx.hash)),
    origin: "otlp",
    attributes: extras(s.attributes, ctx),
  };
}

/** Watermarks arrive as ISO text or as epoch seconds, milliseconds or nanoseconds. */
function watermarkOf(s: OtlpSpan): number | null {
  const v = s.attributes[attr.syncWatermark];
  if (v === undefined) return null;
  let ms: number;
  if (typeof v === "number") ms = v > 1e17 ? v / 1e6 : v > 1e11 ? v : v * 1000;
  else if (typeof v === "string") ms = /^\d+$/.test(v) ? Number(v) / (v.length > 17 ? 1e6 : 1) : Date.parse(v);
  else ms = NaN;
  if (!Number.isFinite(ms) || ms < EARLIEST_MS) throw new InvalidAttribute(attr.syncWatermark, "must be a time (ISO 8601 or epoch)");
  return Math.floor(ms);
}

function toSync(s: OtlpSpan, ctx: MapContext, source: string): SourceSyncRow {
  const r = reader(s.attributes);
  return {
    tenant_id: ctx.tenantId,
    source: label(source, attr.sourceName),
    trace_id: s.traceId,
    span_id: s.spanId,
    start_time: s.startMs,
    end_time: s.endMs,
    status: status(s.statusCode),
    watermark: watermarkOf(s),
    records: Math.round(r.num(attr.recordsCount) ?? 0),
    invalid: Math.round(r.num(attr.recordsInvalid) ?? 0),
    origin: "otlp",
  };
}

const ANY_WORKFLOW_ATTRIBUTE = [attr.runId, attr.phase, attr.outcome, attr.subjectId, attr.exceptionReason];

/**
 * Maps decoded spans to rows (pure): run spans, step spans and source syncs per DESIGN.md §2.
 * Spans that break the conventions are rejected one by one; the rest are stored (OTLP partial success).
 */
export function spansToRows(spans: readonly OtlpSpan[], ctx: MapContext): Mapped {
  const runs: RunRow[] = [];
  const steps: StepRow[] = [];
  const sourceSyncs: SourceSyncRow[] = [];
  const tally = new Tally(ctx.tenantId, "otlp-traces", utcDay(ctx.nowMs));
  for (const s of spans) {
    try {
      if (s.traceId.length !== 32 || s.spanId.length !== 16 || /^0+$/.test(s.traceId)) throw new Rejected("invalid_ids");
      const a = s.attributes;
      const step = a[attr.step];
      const workflow = a[attr.workflowName];
      const source = a[attr.sourceName];
      if (step !== undefined && step !== "") {
        checkTimes(s, ctx);
        steps.push(toStep(s, ctx, String(step)));
      } else if (workflow !== undefined && workflow !== "") {
        checkTimes(s, ctx);
        runs.push(toRun(s, ctx, String(workflow)));
      } else if (source !== undefined && source !== "") {
        checkTimes(s, ctx);
        sourceSyncs.push(toSync(s, ctx, String(source)));
      } else {
        throw new Rejected(ANY_WORKFLOW_ATTRIBUTE.some((k) => k in a) ? "missing_workflow_name" : "not_a_workflow_span");
      }
      tally.accept(s.service);
    } catch (err) {
      // The answer reaches the sender's logs: the span name is masked like any free text.
      const example = `span ${s.spanId || "(no id)"} "${maskText(s.name).slice(0, 80)}"`;
      if (err instanceof Rejected) tally.reject(s.service, err.reason, example);
      else if (err instanceof InvalidAttribute) tally.reject(s.service, "invalid_attribute", `${example} (${err.message})`);
      else throw err;
    }
  }
  return {
    batch: { runs, steps, sourceSyncs, ingestStats: tally.rows() },
    accepted: tally.accepted,
    rejected: tally.rejected,
    errorMessage: tally.message("spans"),
  };
}
