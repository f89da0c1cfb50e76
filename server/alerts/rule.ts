import { z } from "zod";
import { THRESHOLD_METRICS, checkBusinessRule } from "./business-metric";
import { ANOMALY_SERIES } from "./anomaly-kinds";

const minutes = z.number().int().positive().max(366 * 24 * 60);

export const webhookRecipient = z.object({
  kind: z.literal("webhook"),
  url: z.url({ protocol: /^https?$/ }),
  /** Signs every body (HMAC-SHA256); generated when a rule is created without one. */
  secret: z.string().min(16).max(200),
  /** `slack` and `teams` send a body those products render; `json` is Plumbline's own shape. */
  format: z.enum(["json", "slack", "teams"]).default("json"),
});

export const emailRecipient = z.object({
  kind: z.literal("email"),
  to: z.email(),
});

export const recipient = z.discriminatedUnion("kind", [webhookRecipient, emailRecipient]);
export type Recipient = z.infer<typeof recipient>;
export type WebhookRecipient = z.infer<typeof webhookRecipient>;

const common = {
  name: z.string().trim().min(1).max(200),
  severity: z.enum(["info", "warning", "critical"]).default("warning"),
  /** How far back the rule looks (metric window, ingest-reject window, exception scan). */
  windowMinutes: minutes.default(24 * 60),
  /** How often the evaluator checks the rule. */
  intervalMinutes: minutes.default(5),
  /** After an episode resolves, the same subject cannot open a new one for this long (anti-flapping). */
  cooldownMinutes: z.number().int().min(0).max(30 * 24 * 60).default(60),
  recipients: z.array(recipient).max(20).default([]),
  enabled: z.boolean().default(true),
};

const workflowName = z.string().trim().min(1).max(200);

/** Its business-outcome checks (`checkBusinessRule`) are added where it is used, after any `extend`. */
export const thresholdRule = z.object({
  ...common,
  kind: z.literal("threshold"),
  /** A registered metric's headline, or a business outcome's change against the baseline year (firm-wide only). */
  metric: z.enum(THRESHOLD_METRICS),
  /** Omitted: the firm as a whole. */
  workflow: workflowName.optional(),
  op: z.enum(["gt", "gte", "lt", "lte"]),
  value: z.number().finite(),
});

export const staleSourceRule = z.object({
  ...common,
  kind: z.literal("stale-source"),
  /** Omitted: every source that has a freshness SLA. */
  source: z.string().trim().min(1).max(200).optional(),
});

export const exceptionsPastSlaRule = z.object({
  ...common,
  kind: z.literal("exceptions-past-sla"),
  /** How far back open exceptions are looked for: an exception stays open past SLA for days. */
  windowMinutes: minutes.default(30 * 24 * 60),
  workflow: workflowName.optional(),
  /** Fires when at least this many open exceptions are past their workflow's SLA. */
  minCount: z.number().int().positive().default(1),
});

export const milestoneRule = z.object({
  ...common,
  kind: z.literal("milestone"),
  workflow: workflowName.optional(),
  statuses: z.array(z.enum(["at_risk", "missed"])).min(1).default(["at_risk", "missed"]),
});

export const ingestRejectsRule = z.object({
  ...common,
  kind: z.literal("ingest-rejects"),
  /** Fires when rejected ÷ (accepted + rejected) exceeds this share over the window. */
  share: z.number().gt(0).lt(1),
  /** Below this many spans in the window the share means little: no firing. */
  minSpans: z.number().int().positive().default(100),
});

export const pilotTrapRule = z.object({
  ...common,
  kind: z.literal("pilot-trap"),
  /** The detector judges its signs over this window (docs/metrics.md, "Pilot trap"): 30 days by default. */
  windowMinutes: minutes.default(30 * 24 * 60),
  /** The signs move by the week: once an hour is often enough. */
  intervalMinutes: minutes.default(60),
  /** Omitted: every live workflow. */
  workflow: workflowName.optional(),
});

export const anomalyRule = z.object({
  ...common,
  kind: z.literal("anomaly"),
  series: z.enum(ANOMALY_SERIES),
  /** Omitted: the firm as a whole. Ignored by the firm's own series (ingest rejects, source lag). */
  workflow: workflowName.optional(),
  /** Source lag of this source; omitted: the stalest source. */
  source: z.string().trim().min(1).max(200).optional(),
  /** How wide the expected band is: low 4, medium 3, high 2.5 robust spreads (metrics/anomaly.ts). */
  sensitivity: z.enum(["low", "medium", "high"]).default("medium"),
  /** Fires when at least k of the last n days were outside the band. */
  persistence: z
    .object({ k: z.number().int().min(1).max(14), n: z.number().int().min(1).max(14) })
    .refine((p) => p.k <= p.n, { message: "persistence: k days out of n cannot exceed n" })
    .default({ k: 2, n: 3 }),
});

export const ruleSpec = z.discriminatedUnion("kind", [
  thresholdRule.superRefine(checkBusinessRule),
  staleSourceRule,
  exceptionsPastSlaRule,
  milestoneRule,
  ingestRejectsRule,
  pilotTrapRule,
  anomalyRule,
]);
export type RuleSpec = z.infer<typeof ruleSpec>;
export type RuleSpecInput = z.input<typeof ruleSpec>;

/** A stored rule: its identity plus the validated spec. */
export interface Rule {
  tenantId: string;
  ruleId: string;
  spec: RuleSpec;
  updatedAt: Date;
  updatedBy: string;
}

/**
 * The one workflow a rule's data comes from, or undefined for a firm-wide rule (no workflow given, or a
 * kind that reads every workflow at once: stale sources, ingest rejects). It decides who may see the
 * rule, its history and deliveries, and which member recipients may receive its messages.
 */
export function ruleWorkflow(spec: object): string | undefined {
  return "workflow" in spec && typeof spec.workflow === "string" ? spec.workflow : undefined;
}
