/**
 * The workflow semantic conventions (DESIGN.md §2; docs/conventions.md lists them for engineers).
 * Every name the receiver reads and the instrumentation helper writes comes from here, so the two
 * can never drift apart.
 */
export const attr = {
  workflowName: "workflow.name",
  runId: "workflow.run.id",
  phase: "workflow.phase",
  outcome: "workflow.outcome",
  exceptionReason: "workflow.exception.reason",
  subjectId: "workflow.subject.id",
  humanMinutes: "workflow.human.minutes",
  step: "workflow.step",
  actor: "workflow.actor",
  intervention: "workflow.intervention",
  interventionReason: "workflow.intervention.reason",
  dataClassification: "data.classification",
  genAiProvider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  modelVersion: "ai.model.version",
  promptVersion: "ai.prompt.version",
  outputId: "ai.output.id",
  confidence: "ai.confidence",
  reviewRequired: "review.required",
  reviewOutcome: "review.outcome",
  reviewOutputId: "review.output.id",
  sourceName: "source.name",
  syncWatermark: "source.sync.watermark",
  recordsCount: "source.records.count",
  recordsInvalid: "source.records.invalid",
  eventName: "event.name",
  userRole: "user.role",
  accessDecision: "access.decision",
} as const;

/** Names with a column of their own; anything else is dropped unless the tenant allows it. */
export const CONVENTION_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(attr));

export const PHASES = ["baseline", "live", "manual"] as const;
export const OUTCOMES = ["completed", "exception", "failed", "cancelled"] as const;
export const ACTORS = ["ai", "human", "system"] as const;
export const CLASSIFICATIONS = ["public", "internal", "pii", "phi", "privileged"] as const;
export const REVIEW_OUTCOMES = ["approved", "corrected", "rejected"] as const;
export const DECISIONS = ["allow", "deny"] as const;
export const DATA_ACCESS_EVENT = "data.access";
