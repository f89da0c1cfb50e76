import { type Attributes, type Span, SpanStatusCode, type Tracer, context, trace } from "@opentelemetry/api";
import { attr } from "./otlp/conventions";

/**
 * Instrumentation helper over @opentelemetry/api: engineers describe runs and steps, the helper writes
 * the workflow conventions (DESIGN.md §2, docs/conventions.md), so no attribute name is typed by hand.
 *
 *   await withWorkflowRun("client-intake", { subjectId: matter.id }, async (run) => {
 *     await run.step("conflict-check", { actor: "ai", model: "gpt-4o", promptVersion: "v7" }, check);
 *     run.intervention("low confidence", { minutes: 6 });
 *   });
 *
 * Spans go through whatever tracer provider the application registered (OTLP exporter pointed at
 * Plumbline with the ingest key in OTEL_EXPORTER_OTLP_HEADERS).
 */
export type Phase = "baseline" | "live" | "manual";
export type Outcome = "completed" | "exception" | "failed" | "cancelled";
export type Actor = "ai" | "human" | "system";
export type Classification = "public" | "internal" | "pii" | "phi" | "privileged";
export type ReviewOutcome = "approved" | "corrected" | "rejected";

export interface RunOptions {
  /** Defaults to the trace id. */
  runId?: string;
  phase?: Phase;
  /** Matter, patient or client key; Plumbline stores only a keyed hash of it. */
  subjectId?: string;
  humanMinutes?: number;
  /** Extra attributes (kept only when the tenant allows them). */
  attributes?: Attributes;
  tracer?: Tracer;
}

export interface StepOptions {
  actor?: Actor;
  humanMinutes?: number;
  dataClassification?: Classification;
  provider?: string;
  model?: string;
  responseModel?: string;
  modelVersion?: string;
  promptVersion?: string;
  inputTokens?: number;
  outputTokens?: number;
  outputId?: string;
  confidence?: number;
  reviewRequired?: boolean;
  reviewOutcome?: ReviewOutcome;
  reviewOutputId?: string;
  intervention?: boolean;
  interventionReason?: string;
  attributes?: Attributes;
}

export interface WorkflowStep {
  readonly span: Span;
  /** Sets what is known only after the step ran (tokens used, model answered, review result). */
  set(values: Omit<StepOptions, "attributes">): void;
}

export interface WorkflowRun {
  readonly span: Span;
  readonly runId: string;
  step<T>(name: string, options: StepOptions, fn: (step: WorkflowStep) => Promise<T> | T): Promise<T>;
  /** Records unplanned human work (an exception handled by a person) as a human step. */
  intervention(reason: string, options?: { minutes?: number; step?: string }): void;
  /** Overrides the outcome (otherwise `completed`, or `failed` when the run throws). */
  outcome(outcome: Outcome, reason?: string): void;
  addHumanMinutes(minutes: number): void;
}

export interface SourceSync {
  readonly span: Span;
  set(values: { watermark?: Date; records?: number; invalid?: number }): void;
}

const STEP_KEYS: { [K in keyof Omit<StepOptions, "attributes">]-?: string } = {
  actor: attr.actor,
  humanMinutes: attr.humanMinutes,
  dataClassification: attr.dataClassification,
  provider: attr.genAiProvider,
  model: attr.requestModel,
  responseModel: attr.responseModel,
  modelVersion: attr.modelVersion,
  promptVersion: attr.promptVersion,
  inputTokens: attr.inputTokens,
  outputTokens: attr.outputTokens,
  outputId: attr.outputId,
  confidence: attr.confidence,
  reviewRequired: attr.reviewRequired,
  reviewOutcome: attr.reviewOutcome,
  reviewOutputId: attr.reviewOutputId,
  intervention: attr.intervention,
  interventionReason: attr.interventionReason,
};

function stepAttributes(values: Omit<StepOptions, "attributes">): Attributes {
  const out: Attributes = {};
  for (const [k, name] of Object.entries(STEP_KEYS)) {
    const v = values[k as keyof typeof STEP_KEYS];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const defaultTracer = () => trace.getTracer("plumbline-instrument");

async function inSpan<T>(span: Span, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** Runs `fn` as one workflow run: a run span, with `run.step(...)` creating its step spans. */
export async function withWorkflowRun<T>(workflow: string, options: RunOptions, fn: (run: WorkflowRun) => Promise<T> | T): Promise<T> {
  const tracer = options.tracer ?? defaultTracer();
  const span = tracer.startSpan(workflow, {
    attributes: {
      ...options.attributes,
      [attr.workflowName]: workflow,
      ...(options.runId ? { [attr.runId]: options.runId } : {}),
      ...(options.phase ? { [attr.phase]: options.phase } : {}),
      ...(options.subjectId ? { [attr.subjectId]: options.subjectId } : {}),
    },
  });
  const runId = options.runId ?? span.spanContext().traceId;
  const parent = trace.setSpan(context.active(), span);
  let humanMinutes = options.humanMinutes;
  // Steps name their run and phase themselves, so they assemble even when they arrive before the run.
  const common: Attributes = { [attr.workflowName]: workflow, [attr.runId]: runId, ...(options.phase ? { [attr.phase]: options.phase } : {}) };

  const run: WorkflowRun = {
    span,
    runId,
    step(name, stepOptions, stepFn) {
      const stepSpan = tracer.startSpan(
        name,
        { attributes: { ...stepOptions.attributes, ...common, [attr.step]: name, ...stepAttributes(stepOptions) } },
        parent,
      );
      const step: WorkflowStep = { span: stepSpan, set: (values) => stepSpan.setAttributes(stepAttributes(values)) };
      return context.with(parent, () => inSpan(stepSpan, () => stepFn(step)));
    },
    intervention(reason, o = {}) {
      const stepSpan = tracer.startSpan(
        o.step ?? "intervention",
        {
          attributes: {
            ...common,
            [attr.step]: o.step ?? "intervention",
            ...stepAttributes({ actor: "human", intervention: true, interventionReason: reason, humanMinutes: o.minutes }),
          },
        },
        parent,
      );
      stepSpan.end();
    },
    outcome(outcome, reason) {
      span.setAttribute(attr.outcome, outcome);
      if (reason) span.setAttribute(attr.exceptionReason, reason);
    },
    addHumanMinutes(minutes) {
      humanMinutes = (humanMinutes ?? 0) + minutes;
    },
  };
  return inSpan(span, async () => {
    try {
      return await fn(run);
    } finally {
      if (humanMinutes !== undefined) span.setAttribute(attr.humanMinutes, humanMinutes);
    }
  });
}

/** Records a system-of-record sync (CRM, EHR, PMS, ERP) as a source sync span. */
export async function withSourceSync<T>(source: string, fn: (sync: SourceSync) => Promise<T> | T, options: { tracer?: Tracer } = {}): Promise<T> {
  const tracer = options.tracer ?? defaultTracer();
  const span = tracer.startSpan(`sync ${source}`, { attributes: { [attr.sourceName]: source } });
  const sync: SourceSync = {
    span,
    set(values) {
      if (values.watermark) span.setAttribute(attr.syncWatermark, values.watermark.toISOString());
      if (values.records !== undefined) span.setAttribute(attr.recordsCount, values.records);
      if (values.invalid !== undefined) span.setAttribute(attr.recordsInvalid, values.invalid);
    },
  };
  return inSpan(span, () => fn(sync));
}
