import { z } from "zod";
import type { MetricInput } from "@/metrics/registry";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD");

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

/** The metrics engine's input for a view: tenant and information barrier from the context, never the page. */
export function metricInput(ctx: Scoped, input: WindowInput): MetricInput {
  return {
    tenantId: ctx.tenant.id,
    workflows: ctx.workflows,
    ...(input.workflow ? { workflow: input.workflow } : {}),
    ...(input.from ? { from: new Date(`${input.from}T00:00:00Z`) } : {}),
    ...(input.to ? { to: new Date(`${input.to}T00:00:00Z`) } : {}),
  };
}
