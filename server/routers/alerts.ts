import { TRPCError } from "@trpc/server";
import { deliveriesInput, digestInput, historyInput, ruleEnabled, ruleIdInput, ruleInput, ruleUpdate } from "@/server/alerts/api";
import { deliveryLog } from "@/server/alerts/delivery-log";
import { setDigestSubscription } from "@/server/alerts/digest-subscriptions";
import { alertHistory } from "@/server/alerts/episodes";
import { AlertRuleError, createRule, listRules, redactRule, removeRule, setRuleEnabled, updateRule, type Actor } from "@/server/alerts/rules";
import { sendTestAlert } from "@/server/alerts/send-test-alert";
import { mailerFromEnv, publicUrlFromEnv } from "@/server/alerts/start-alerts";
import { env } from "@/server/env";
import { router, tenantProcedure } from "../trpc";

const actorOf = (ctx: { tenant: { id: string }; user: { id: string; email: string } }): Actor => ({
  tenantId: ctx.tenant.id,
  actorId: ctx.user.id,
  actorEmail: ctx.user.email,
});

/** Rule errors are the caller's to fix: say so with the rule module's own message. */
async function rules<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AlertRuleError) throw new TRPCError({ code: err.code === "NOT_FOUND" ? "NOT_FOUND" : "BAD_REQUEST", message: err.message });
    throw err;
  }
}

const manage = ["admin", "ops"] as const;

/** Alert rules, their history and deliveries (server/alerts); changes are audited there and by the middleware. */
export const alertsRouter = router({
  list: tenantProcedure(manage).query(async ({ ctx }) => (await listRules(ctx.db, ctx.tenant.id)).map(redactRule)),
  /** A webhook secret generated here is in this response only. */
  create: tenantProcedure(manage)
    .input(ruleInput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...spec } = input;
      return rules(() => createRule(ctx.db, actorOf(ctx), spec));
    }),
  update: tenantProcedure(manage)
    .input(ruleUpdate)
    .mutation(async ({ ctx, input }) => redactRule(await rules(() => updateRule(ctx.db, actorOf(ctx), input.ruleId, input.rule)))),
  setEnabled: tenantProcedure(manage)
    .input(ruleEnabled)
    .mutation(async ({ ctx, input }) => redactRule(await rules(() => setRuleEnabled(ctx.db, actorOf(ctx), input.ruleId, input.enabled)))),
  remove: tenantProcedure(manage)
    .input(ruleIdInput)
    .mutation(async ({ ctx, input }) => {
      await rules(() => removeRule(ctx.db, actorOf(ctx), input.ruleId));
      return { ruleId: input.ruleId, removed: true };
    }),
  /** "Send a test alert": one attempt per recipient, answered with each receiver's result. */
  test: tenantProcedure(manage)
    .input(ruleIdInput)
    .mutation(({ ctx, input }) => {
      const e = env();
      return rules(() => sendTestAlert(ctx.db, actorOf(ctx), input.ruleId, { mailer: mailerFromEnv(e), publicUrl: publicUrlFromEnv(e) }));
    }),
  history: tenantProcedure(["admin", "ops", "executive"])
    .input(historyInput)
    .query(({ ctx, input }) => alertHistory(ctx.db, ctx.tenant.id, { ruleId: input.ruleId, state: input.state, limit: input.limit })),
  deliveries: tenantProcedure(manage)
    .input(deliveriesInput)
    .query(({ ctx, input }) => deliveryLog(ctx.db, ctx.tenant.id, { ruleId: input.ruleId, limit: input.limit })),
  /** Any member opts themselves in or out of the weekly digest, at their sign-in address. */
  digest: tenantProcedure(["admin", "ops", "executive", "engineer"])
    .input(digestInput)
    .mutation(async ({ ctx, input }) => {
      await setDigestSubscription(ctx.db, actorOf(ctx), { userId: ctx.user.id, email: ctx.user.email, enabled: input.enabled });
      return { enabled: input.enabled };
    }),
});
