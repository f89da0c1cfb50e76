import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { baselineYearLocks } from "@/metrics/business-baseline-year";
import { monthString } from "@/metrics/business-months";
import { lastTwelveMonths, rememberedBusinessOutcomes } from "@/metrics/business-outcomes-report";
import { OUTCOME_KEYS, type OutcomeKey } from "@/metrics/business-outcome-defs";
import { targetInput } from "@/metrics/business-target";
import { removeBusinessTarget, saveBusinessTarget } from "@/metrics/business-targets";
import { auditedLockYear } from "@/server/business/business-figures";
import { router, tenantProcedure } from "../trpc";
import { businessTargetList, laggingCheckpoints } from "./business-targets";

/**
 * Business outcomes are the firm's figures (revenue, headcount, incidents), not any one workflow's: a
 * member behind a workflow barrier sees none of them (docs/security.md, "Barriers"). FORBIDDEN, so the
 * middleware audits the attempt as denied.
 */
function firmWide(workflows: string[] | null): void {
  if (workflows !== null) throw new TRPCError({ code: "FORBIDDEN", message: "Business outcomes are firm-wide: they are not shown to members limited to some workflows." });
}

const monthWindow = z
  .object({ from: monthString.optional(), to: monthString.optional() })
  .refine((w) => !w.from || !w.to || w.from <= w.to, { message: "The first month must not be after the last", path: ["from"] });

export const businessRouter = router({
  /** Every outcome over the window (default: the last twelve complete months) against the baseline year. */
  outcomes: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ tenant: z.string().optional() }).and(monthWindow))
    .query(async ({ ctx, input }) => {
      firmWide(ctx.workflows);
      const year = lastTwelveMonths();
      return rememberedBusinessOutcomes(ctx.db, { tenantId: ctx.tenant.id, from: input.from ?? year.from, to: input.to ?? year.to });
    }),
  /** The baseline year's locked versions, newest first. */
  baselineYears: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ tenant: z.string().optional() }))
    .query(async ({ ctx }) => {
      firmWide(ctx.workflows);
      return baselineYearLocks(ctx.db, ctx.tenant.id);
    }),
  /** Locks the twelve months from `from` as a new version of the baseline year, with a reason. */
  lockYear: tenantProcedure("admin")
    .input(z.object({ tenant: z.string().optional(), from: monthString, declared: z.boolean().default(false), reason: z.string().trim().min(3, "Say why the year is locked").max(500) }))
    .mutation(async ({ ctx, input }) => {
      firmWide(ctx.workflows);
      const version = await auditedLockYear(ctx.db, { tenantId: ctx.tenant.id, from: input.from, method: input.declared ? "declared" : "before-go-live", reason: input.reason, actor: ctx.user.id });
      return { version };
    }),
  /** Every outcome with its target (null: none), its kind and direction, and who set it when. */
  targets: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ tenant: z.string().optional() }))
    .query(async ({ ctx }) => {
      firmWide(ctx.workflows);
      return businessTargetList(ctx.db, ctx.tenant.id);
    }),
  /** Sets an outcome's target: a signed change against the same months of the baseline year. */
  setTarget: tenantProcedure("admin")
    .input(z.object({ tenant: z.string().optional() }).and(targetInput))
    .mutation(async ({ ctx, input }) => {
      firmWide(ctx.workflows);
      return saveBusinessTarget(ctx.db, { tenantId: ctx.tenant.id, actor: ctx.user.id, target: { outcome: input.outcome, target: input.target } });
    }),
  /** Removes an outcome's target; its checkpoints read "no target" again. */
  removeTarget: tenantProcedure("admin")
    .input(z.object({ tenant: z.string().optional(), outcome: z.enum(OUTCOME_KEYS as [OutcomeKey, ...OutcomeKey[]], { error: "choose one of the business outcomes" }) }))
    .mutation(async ({ ctx, input }) => {
      firmWide(ctx.workflows);
      return { removed: await removeBusinessTarget(ctx.db, { tenantId: ctx.tenant.id, actor: ctx.user.id, outcome: input.outcome }) };
    }),
  /** The lagging checkpoints: each outcome at go-live + 90 days, 6 and 12 months against its target. */
  milestones: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ tenant: z.string().optional() }))
    .query(async ({ ctx }) => {
      firmWide(ctx.workflows);
      return laggingCheckpoints(ctx.db, ctx.tenant.id);
    }),
});
