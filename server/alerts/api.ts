import { z } from "zod";
import { checkBusinessRule } from "./business-metric";
import { SERIES_WORDS } from "./anomaly-kinds";
import {
  anomalyRule,
  emailRecipient,
  exceptionsPastSlaRule,
  ingestRejectsRule,
  milestoneRule,
  pilotTrapRule,
  staleSourceRule,
  thresholdRule,
  webhookRecipient,
} from "./rule";

/**
 * Input schemas for the alerts tRPC router (server/routers), one per call it makes:
 *
 *   list        tenantProcedure("admin"|"ops")  → listRules(ctx.db, tenant) mapped through redactRule, with describeRule and ruleStates
 *   create      tenantProcedure("admin"|"ops")  ruleInput      → createRule(ctx.db, actor, input)
 *   update      tenantProcedure("admin"|"ops")  ruleUpdate     → updateRule(ctx.db, actor, ruleId, rule)
 *   setEnabled  tenantProcedure("admin"|"ops")  ruleEnabled    → setRuleEnabled(ctx.db, actor, ruleId, enabled)
 *   remove      tenantProcedure("admin"|"ops")  ruleIdInput    → removeRule(ctx.db, actor, ruleId)
 *   test        tenantProcedure("admin"|"ops")  ruleIdInput    → sendTestAlert(ctx.db, actor, ruleId, { mailer, publicUrl })
 *   history     tenantProcedure("admin"|"ops"|"executive") historyInput → alertHistory(ctx.db, tenant, input)
 *   deliveries  tenantProcedure("admin"|"ops")  deliveriesInput → deliveryLog(ctx.db, tenant, input)
 *   digest      admin|ops|executive, for themselves digestInput    → setDigestSubscription(ctx.db, actor, { userId: me, email: my email, enabled })
 *   digestStatus admin|ops|executive, for themselves → digestSubscription(ctx.db, tenant, me) and digestCadence
 *
 * Rule changes, tests and subscriptions are audited inside those functions. A member behind an
 * information barrier sees and changes only rules of workflows inside it (no firm-wide rule).
 */

/** A webhook may be given without a secret: one is generated (create) or the stored one kept (update). */
const recipientInput = z.discriminatedUnion("kind", [webhookRecipient.extend({ secret: webhookRecipient.shape.secret.optional() }), emailRecipient]);
const recipients = { recipients: z.array(recipientInput).max(20).default([]) };

export const ruleInput = z.discriminatedUnion("kind", [
  thresholdRule.extend(recipients).superRefine(checkBusinessRule),
  staleSourceRule.extend(recipients),
  exceptionsPastSlaRule.extend(recipients),
  milestoneRule.extend(recipients),
  ingestRejectsRule.extend(recipients),
  pilotTrapRule.extend(recipients),
  anomalyRule.extend(recipients),
]).refine((r) => r.kind !== "anomaly" || !r.workflow || SERIES_WORDS[r.series].perWorkflow, {
  // A firm-wide series named with a workflow would pass a barrier's check on data it does not hold.
  message: "This series belongs to the firm, not to a workflow: leave the workflow empty",
  path: ["workflow"],
});

export const ruleIdInput = z.object({ ruleId: z.uuid() });
export const ruleUpdate = ruleIdInput.extend({ rule: ruleInput });
export const ruleEnabled = ruleIdInput.extend({ enabled: z.boolean() });
export const historyInput = z.object({
  ruleId: z.uuid().optional(),
  state: z.enum(["open", "resolved"]).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export const deliveriesInput = z.object({ ruleId: z.string().max(64).optional(), limit: z.number().int().min(1).max(1000).default(100) });
export const digestInput = z.object({ enabled: z.boolean() });
