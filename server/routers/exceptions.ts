import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type ExceptionRateResult, type ComplianceResult } from "@/metrics/registry";
import { scopeOf } from "@/metrics/scope";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { actionHistory, appendAction, exceptionQueue, exceptionWorkflow, queueState, type QueueAction } from "./exception-queue";
import { metricInput, windowInput } from "./metric-window";

const listInput = windowInput.extend({
  states: z.array(queueState).min(1).default(["new", "acknowledged", "assigned"]),
  limit: z.number().int().min(1).max(2000).default(500),
  /** Every item, no limit: the evidence pack's file must be the complete list. */
  complete: z.boolean().default(false),
});

const target = z.object({ runId: z.string().min(1).max(200), note: z.string().max(2000).default("") });

type Ctx = { db: Parameters<typeof exceptionWorkflow>[0]; tenant: { id: string }; workflows: string[] | null; user: { id: string; email: string } };

/** Appends one queue action after checking the run is an exception the caller may see. */
async function act(ctx: Ctx, runId: string, action: QueueAction, extra: { assignee?: string; note?: string }) {
  const workflow = await exceptionWorkflow(ctx.db, ctx.tenant.id, ctx.workflows, runId);
  if (!workflow) throw new TRPCError({ code: "NOT_FOUND", message: "No such exception." });
  const actionId = await appendAction(ctx.db, { tenantId: ctx.tenant.id, workflow, runId, action, actorId: ctx.user.id, actorEmail: ctx.user.email, ...extra });
  return { actionId, runId, action };
}

/** The ops queue. Executives may look; only ops and admins act, and every action is audited by the procedure. */
export const exceptionsRouter = router({
  list: tenantProcedure(["executive", "ops", "admin"])
    .input(listInput)
    .query(({ ctx, input }) => {
      // The window is scopeOf's, as for every metric and the evidence pack: whole UTC days, default
      // the 30 days up to today; the state is folded as of now.
      const scope = scopeOf(metricInput(ctx, input));
      const limit = input.complete ? null : input.limit;
      return exceptionQueue(ctx.db, { window: { params: scope.params, from: scope.from, to: scope.to, asOf: scope.asOf }, states: input.states, limit });
    }),
  history: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ runId: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      if (!(await exceptionWorkflow(ctx.db, ctx.tenant.id, ctx.workflows, input.runId))) throw new TRPCError({ code: "NOT_FOUND", message: "No such exception." });
      return actionHistory(ctx.db, ctx.tenant.id, input.runId);
    }),
  /** The team view: exception-rate trend (metrics engine) and review-SLA adherence (compliance metric). */
  team: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const rate = (await cachedMetric(ctx.db, "exception-rate", { ...m, grain: "week" })) as ExceptionRateResult;
      const compliance = (await cachedMetric(ctx.db, "compliance", m)) as ComplianceResult;
      return { rate, compliance };
    }),
  acknowledge: tenantProcedure(["ops", "admin"])
    .input(target)
    .mutation(({ ctx, input }) => act(ctx, input.runId, "acknowledge", { note: input.note })),
  assign: tenantProcedure(["ops", "admin"])
    .input(target.extend({ assignee: z.string().min(1).max(254) }))
    .mutation(({ ctx, input }) => act(ctx, input.runId, "assign", { assignee: input.assignee, note: input.note })),
  resolve: tenantProcedure(["ops", "admin"])
    .input(target.extend({ note: z.string().min(1, "Say how it was resolved").max(2000) }))
    .mutation(({ ctx, input }) => act(ctx, input.runId, "resolve", { note: input.note })),
  reopen: tenantProcedure(["ops", "admin"])
    .input(target)
    .mutation(({ ctx, input }) => act(ctx, input.runId, "reopen", { note: input.note })),
});
