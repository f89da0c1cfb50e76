import { TRPCError } from "@trpc/server";
import type { Db } from "@/clickhouse/client";
import { deliveriesInput, digestInput, historyInput, ruleEnabled, ruleIdInput, ruleInput, ruleUpdate } from "@/server/alerts/api";
import { anomalyBand } from "@/server/alerts/anomaly-band";
import { deliveryLog } from "@/server/alerts/delivery-log";
import { digestCadence, digestSubscription, setDigestSubscription } from "@/server/alerts/digest-subscriptions";
import { alertHistory } from "@/server/alerts/episodes";
import { describeRule } from "@/server/alerts/condition";
import { ruleWorkflow } from "@/server/alerts/rule";
import { ruleStates } from "@/server/alerts/rule-state";
import { AlertRuleError, createRule, listRules, redactRule, removeRule, ruleById, ruleScopes, setRuleEnabled, updateRule, type Actor } from "@/server/alerts/rules";
import { sendTestAlert } from "@/server/alerts/send-test-alert";
import { mailerFromEnv, publicUrlFromEnv } from "@/server/alerts/start-alerts";
import { type Barrier, mayReadScope, ROI_ROLES } from "@/server/auth/barrier";
import { env } from "@/server/env";
import { cachedMetric } from "./cached-metric";
import { router, tenantProcedure } from "../trpc";

interface Ctx {
  db: Db;
  tenant: { id: string };
  user: { id: string; email: string };
  workflows: Barrier;
}

const actorOf = (ctx: Ctx): Actor => ({ tenantId: ctx.tenant.id, actorId: ctx.user.id, actorEmail: ctx.user.email });

/** Rule errors are the caller's to fix: say so with the rule module's own message. */
async function rules<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AlertRuleError) throw new TRPCError({ code: err.code === "NOT_FOUND" ? "NOT_FOUND" : "BAD_REQUEST", message: err.message });
    throw err;
  }
}

/**
 * A rule's data is its workflow's, or the whole firm's when it names none: a barred member may not
 * write one outside the barrier (the middleware already refused a barred `rule.workflow`; a firm-wide
 * rule names none). FORBIDDEN, so the middleware audits it as denied.
 */
function mayUse(ctx: Ctx, spec: object): void {
  if (!mayReadScope(ctx.workflows, ruleWorkflow(spec))) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This rule covers workflows outside your workflow groups." });
  }
}

/** The stored rule `ruleId`, if the caller may see it. */
async function ownRule(ctx: Ctx, ruleId: string): Promise<void> {
  mayUse(ctx, (await rules(() => ruleById(ctx.db, ctx.tenant.id, ruleId))).spec);
}

/**
 * The rules whose history and deliveries the caller may see: every version of the rule inside the
 * barrier, since a rule moved from another workflow keeps that workflow's history. undefined = all.
 */
async function visibleRuleIds(ctx: Ctx): Promise<string[] | undefined> {
  const barrier = ctx.workflows;
  if (barrier === null) return undefined;
  const scopes = await ruleScopes(ctx.db, ctx.tenant.id);
  return [...scopes].filter(([, versions]) => versions.every((w) => mayReadScope(barrier, w))).map(([id]) => id);
}

const manage = ["admin", "ops"] as const;

/** Alert rules, their history and deliveries (server/alerts); changes are audited there and by the middleware. */
export const alertsRouter = router({
  /** Each rule with its condition in words and its state (firing, ok, not evaluating: insufficient data...). */
  list: tenantProcedure(manage).query(async ({ ctx }) => {
    const visible = (await listRules(ctx.db, ctx.tenant.id)).filter((r) => mayReadScope(ctx.workflows, ruleWorkflow(r.spec)));
    const states = await ruleStates(ctx.db, ctx.tenant.id, visible);
    return visible.map((r) => ({ ...redactRule(r), condition: describeRule(r.spec), state: states.get(r.ruleId) ?? null }));
  }),
  /** A webhook secret generated here is in this response only. */
  create: tenantProcedure(manage)
    .input(ruleInput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...spec } = input;
      mayUse(ctx, spec);
      return rules(() => createRule(ctx.db, actorOf(ctx), spec));
    }),
  update: tenantProcedure(manage)
    .input(ruleUpdate)
    .mutation(async ({ ctx, input }) => {
      await ownRule(ctx, input.ruleId);
      mayUse(ctx, input.rule);
      return redactRule(await rules(() => updateRule(ctx.db, actorOf(ctx), input.ruleId, input.rule)));
    }),
  setEnabled: tenantProcedure(manage)
    .input(ruleEnabled)
    .mutation(async ({ ctx, input }) => {
      await ownRule(ctx, input.ruleId);
      return redactRule(await rules(() => setRuleEnabled(ctx.db, actorOf(ctx), input.ruleId, input.enabled)));
    }),
  remove: tenantProcedure(manage)
    .input(ruleIdInput)
    .mutation(async ({ ctx, input }) => {
      await ownRule(ctx, input.ruleId);
      await rules(() => removeRule(ctx.db, actorOf(ctx), input.ruleId));
      return { ruleId: input.ruleId, removed: true };
    }),
  /** "Send a test alert": one attempt per recipient, answered with each receiver's result. */
  test: tenantProcedure(manage)
    .input(ruleIdInput)
    .mutation(async ({ ctx, input }) => {
      await ownRule(ctx, input.ruleId);
      const e = env();
      return rules(() => sendTestAlert(ctx.db, actorOf(ctx), input.ruleId, { mailer: mailerFromEnv(e), publicUrl: publicUrlFromEnv(e) }));
    }),
  /** An anomaly rule's expected band and observed values, day by day, for its page's chart; null for another kind (it has no band). */
  band: tenantProcedure(["admin", "ops", "executive"])
    .input(ruleIdInput)
    .query(async ({ ctx, input }) => {
      const rule = await rules(() => ruleById(ctx.db, ctx.tenant.id, input.ruleId));
      mayUse(ctx, rule.spec);
      if (rule.spec.kind !== "anomaly") return null;
      return anomalyBand(ctx.db, (db, key, metric) => cachedMetric(db, key, metric), { ...rule.spec, tenantId: ctx.tenant.id }, new Date(), ctx.workflows);
    }),
  history: tenantProcedure(["admin", "ops", "executive"])
    .input(historyInput)
    .query(async ({ ctx, input }) =>
      alertHistory(ctx.db, ctx.tenant.id, { ruleId: input.ruleId, ruleIds: await visibleRuleIds(ctx), state: input.state, limit: input.limit }),
    ),
  deliveries: tenantProcedure(manage)
    .input(deliveriesInput)
    .query(async ({ ctx, input }) =>
      deliveryLog(ctx.db, ctx.tenant.id, { ruleId: input.ruleId, ruleIds: await visibleRuleIds(ctx), limit: input.limit }),
    ),
  /**
   * A member opts themselves in or out of the weekly digest, at their sign-in address. Engineers may
   * not: the digest is ROI figures, which their role reads on no page (docs/security.md "Barriers").
   */
  digest: tenantProcedure(ROI_ROLES)
    .input(digestInput)
    .mutation(async ({ ctx, input }) => {
      await setDigestSubscription(ctx.db, actorOf(ctx), { userId: ctx.user.id, email: ctx.user.email, enabled: input.enabled });
      return { enabled: input.enabled };
    }),
  /** The caller's own digest subscription and when the digest goes out. */
  digestStatus: tenantProcedure(ROI_ROLES).query(async ({ ctx }) => {
    const e = env();
    return { ...(await digestSubscription(ctx.db, ctx.tenant.id, ctx.user.id)), cadence: digestCadence(e.PLUMBLINE_DIGEST_WEEKDAY, e.PLUMBLINE_DIGEST_HOUR_UTC) };
  }),
});
