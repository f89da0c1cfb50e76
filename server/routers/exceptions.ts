import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type ExceptionRateResult, type ComplianceResult } from "@/metrics/registry";
import { scopeOf } from "@/metrics/scope";
import { audit } from "../audit";
import { router, tenantProcedure, type Context } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { assigneesByWorkflow, checkAssignee } from "./exception-assignees";
import { actionHistory, appendAction, decodeCursor, exceptionQueue, exceptionQueueCount, exceptionQueuePage, exceptionWorkflow, queueState, type QueueAction, type QueueCursor, type QueueFilter } from "./exception-queue";
import { metricInput, windowInput } from "./metric-window";

const filterInput = windowInput.extend({
  states: z.array(queueState).min(1).default(["new", "acknowledged", "assigned"]),
  /** Only the items assigned to the caller. */
  assignedToMe: z.boolean().default(false),
});

const listInput = filterInput.extend({
  limit: z.number().int().min(1).max(2000).default(500),
  /** Every item, no limit: the evidence pack's file must be the complete list. */
  complete: z.boolean().default(false),
  /** The cursor of the last item of the previous page (`encodeCursor`): the items after it. */
  after: z.string().min(1).max(2000).optional(),
});

const target = z.object({ runId: z.string().min(1).max(200), note: z.string().max(2000).default("") });

type Ctx = { db: Context["db"]; ip: string; tenant: { id: string }; workflows: string[] | null; user: { id: string; email: string } };

/** The queue filter of an input: the window is scopeOf's, as for every metric and the evidence pack (whole UTC days, default the 30 days up to today); the state is folded as of now. */
function queueFilter(ctx: Ctx, input: z.output<typeof filterInput>, limit: number | null): QueueFilter {
  const scope = scopeOf(metricInput(ctx, input));
  const window = { params: scope.params, from: scope.from, to: scope.to, asOf: scope.asOf };
  return { window, states: input.states, limit, ...(input.assignedToMe ? { assignee: ctx.user.email } : {}) };
}

/** The position a page link names; BAD_REQUEST, in words, for one that is not ours. */
function cursorOf(text: string | undefined): QueueCursor | undefined {
  if (text === undefined) return undefined;
  const after = decodeCursor(text);
  if (!after) throw new TRPCError({ code: "BAD_REQUEST", message: "This page link is damaged or out of date: start again from the first page." });
  return after;
}

/** The workflow of a run that is an exception the caller may see; NOT_FOUND otherwise, so a barred run looks like no run. */
async function ownWorkflow(ctx: Ctx, runId: string): Promise<string> {
  const workflow = await exceptionWorkflow(ctx.db, ctx.tenant.id, ctx.workflows, runId);
  if (!workflow) throw new TRPCError({ code: "NOT_FOUND", message: "No such exception." });
  return workflow;
}

/** Appends one queue action after checking the run is an exception the caller may see. */
async function act(ctx: Ctx, runId: string, action: QueueAction, extra: { assignee?: string; note?: string }, workflow?: string) {
  const wf = workflow ?? (await ownWorkflow(ctx, runId));
  const actionId = await appendAction(ctx.db, { tenantId: ctx.tenant.id, workflow: wf, runId, action, actorId: ctx.user.id, actorEmail: ctx.user.email, ...extra });
  return { actionId, runId, action };
}

/**
 * Acknowledges each run on its own: each is checked against the caller's barrier and written to the
 * audit log as its own change, and one refused run does not stop the others.
 */
async function acknowledgeEach(ctx: Ctx, runIds: string[], note: string) {
  const results: { runId: string; ok: boolean; error?: string }[] = [];
  for (const runId of [...new Set(runIds)]) {
    const entry = { tenantId: ctx.tenant.id, actorId: ctx.user.id, actorEmail: ctx.user.email, kind: "change" as const, action: "exceptions.acknowledgeMany:item", inputSummary: JSON.stringify({ runId }), ip: ctx.ip };
    try {
      await act(ctx, runId, "acknowledge", { note });
      await audit(ctx.db, { ...entry, result: "ok" });
      results.push({ runId, ok: true });
    } catch (err) {
      if (!(err instanceof TRPCError)) throw err;
      await audit(ctx.db, { ...entry, result: "denied", detail: err.message });
      results.push({ runId, ok: false, error: err.message });
    }
  }
  return { acknowledged: results.filter((r) => r.ok).length, results };
}

/** The ops queue. Executives may look; only ops and admins act, and every action is audited by the procedure. */
export const exceptionsRouter = router({
  list: tenantProcedure(["executive", "ops", "admin"])
    .input(listInput)
    .query(({ ctx, input }) => {
      const after = cursorOf(input.after);
      const f = queueFilter(ctx, input, input.complete ? null : input.limit);
      return exceptionQueue(ctx.db, { ...f, ...(after ? { after } : {}) });
    }),
  /** A page of the list and the count of its filter, in one pass (the queue page shows both). */
  page: tenantProcedure(["executive", "ops", "admin"])
    .input(listInput.omit({ complete: true }))
    .query(({ ctx, input }) => {
      const after = cursorOf(input.after);
      return exceptionQueuePage(ctx.db, { ...queueFilter(ctx, input, input.limit), ...(after ? { after } : {}) });
    }),
  /** How many items the list's filter selects over all its pages, and how many of them are past SLA. */
  count: tenantProcedure(["executive", "ops", "admin"])
    .input(filterInput)
    .query(({ ctx, input }) => exceptionQueueCount(ctx.db, queueFilter(ctx, input, null))),
  /** Members who may be assigned each workflow's exceptions; a workflow outside the caller's barrier is refused by the procedure. */
  assignees: tenantProcedure(["ops", "admin"])
    .input(z.object({ workflows: z.array(z.string().min(1).max(200)).min(1).max(200) }))
    .query(({ ctx, input }) => assigneesByWorkflow(ctx.db, ctx.tenant.id, input.workflows)),
  history: tenantProcedure(["executive", "ops", "admin"])
    .input(z.object({ runId: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      await ownWorkflow(ctx, input.runId);
      return actionHistory(ctx.db, ctx.tenant.id, input.runId);
    }),
  /** The team view: exception-rate trend (metrics engine) and review-SLA adherence (compliance metric). */
  team: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const [rate, compliance] = (await Promise.all([cachedMetric(ctx.db, "exception-rate", { ...m, grain: "week" }), cachedMetric(ctx.db, "compliance", m)])) as [
        ExceptionRateResult,
        ComplianceResult,
      ];
      return { rate, compliance };
    }),
  acknowledge: tenantProcedure(["ops", "admin"])
    .input(target)
    .mutation(({ ctx, input }) => act(ctx, input.runId, "acknowledge", { note: input.note })),
  /** Bulk acknowledge: per-run results, so a partial failure names the runs it refused and why. */
  acknowledgeMany: tenantProcedure(["ops", "admin"])
    .input(z.object({ runIds: z.array(z.string().min(1).max(200)).min(1, "Select at least one exception").max(200), note: z.string().max(2000).default("") }))
    .mutation(({ ctx, input }) => acknowledgeEach(ctx, input.runIds, input.note)),
  assign: tenantProcedure(["ops", "admin"])
    .input(target.extend({ assignee: z.string().min(1).max(254) }))
    .mutation(async ({ ctx, input }) => {
      const workflow = await ownWorkflow(ctx, input.runId);
      const assignee = await checkAssignee(ctx.db, ctx.tenant.id, workflow, input.assignee);
      return act(ctx, input.runId, "assign", { assignee, note: input.note }, workflow);
    }),
  resolve: tenantProcedure(["ops", "admin"])
    .input(target.extend({ note: z.string().min(1, "Say how it was resolved").max(2000) }))
    .mutation(({ ctx, input }) => act(ctx, input.runId, "resolve", { note: input.note })),
  reopen: tenantProcedure(["ops", "admin"])
    .input(target)
    .mutation(({ ctx, input }) => act(ctx, input.runId, "reopen", { note: input.note })),
});
