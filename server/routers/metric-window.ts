import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { isDay, windowProblem } from "@/metrics/date-window";
import type { MetricInput } from "@/metrics/registry";

const day = z.string().max(40).refine(isDay, "use a date written YYYY-MM-DD");

/** The filters every dashboard view shares and keeps in its URL: window (UTC days) and one workflow. */
export const windowInput = z.object({
  from: day.optional(),
  to: day.optional(),
  workflow: z.string().min(1).max(200).optional(),
});
export type WindowInput = z.infer<typeof windowInput>;

interface Scoped {
  tenant: { id: string };
  workflows: string[] | null;
}

/**
 * The metrics engine's input for a view: tenant and information barrier from the context, never the page.
 * A range the window rules refuse (metrics/date-window.ts: inverted, beyond the limits) is a BAD_REQUEST
 * with the same sentence the filter bar shows, before any query runs.
 */
export function metricInput(ctx: Scoped, input: WindowInput, now = new Date()): MetricInput {
  const problem = windowProblem(input, now);
  if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
  return {
    tenantId: ctx.tenant.id,
    workflows: ctx.workflows,
    ...(input.workflow ? { workflow: input.workflow } : {}),
    ...(input.from ? { from: new Date(`${input.from}T00:00:00Z`) } : {}),
    ...(input.to ? { to: new Date(`${input.to}T00:00:00Z`) } : {}),
  };
}
