import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import type { ModelPrice } from "./model-prices";
import { settleRunFacts } from "./run-facts";
import { STEP_DAYS, stepDaysParams } from "./step-days";

/**
 * AI token usage and its cost (docs/metrics.md, "Labor hours and ROI"). Tokens are summed over live AI
 * steps, each step once (a span delivered twice is billed once, at its latest delivery, on that
 * delivery's day), per workflow, UTC day and model: the AI steps' tokens of the step figures by day
 * (`step-days.ts`), settled with the run facts before they are read.
 */
const usageRow = z.object({ workflow: z.string(), date: z.string(), model: z.string(), input: z.coerce.number(), output: z.coerce.number() });
export type TokenUsage = z.output<typeof usageRow>;

export async function aiTokenUsage(db: Db, scope: { tenant: string; all_wf: 0 | 1; wfs: string[] }, from: Date, to: Date): Promise<TokenUsage[]> {
  await settleRunFacts(db, scope.tenant);
  return db.query(
    `SELECT workflow, toString(day) AS date, model, sum(input_tokens) AS input, sum(output_tokens) AS output
     FROM ${STEP_DAYS} AND ai = 1
     GROUP BY workflow, day, model HAVING input + output > 0 ORDER BY workflow, day, model`,
    { ...scope, ...stepDaysParams("live", from, to) },
    usageRow,
  );
}

/** A model with no price costs nothing here but is named: the total is then incomplete, never silently low. */
export const UNPRICED_MODEL_LABEL = "(no model)";

/** The cost of some usage rows, and the models among them that have no price. */
export function tokenCost(rows: TokenUsage[], prices: Record<string, ModelPrice>): { cost: number; unpriced: Set<string> } {
  let cost = 0;
  const unpriced = new Set<string>();
  for (const t of rows) {
    const p = prices[t.model];
    if (!p) unpriced.add(t.model || UNPRICED_MODEL_LABEL);
    else cost += (t.input / 1000) * p.input_per_1k + (t.output / 1000) * p.output_per_1k;
  }
  return { cost, unpriced };
}
