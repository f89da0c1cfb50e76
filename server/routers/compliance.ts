import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { type ComplianceResult } from "@/metrics/registry";
import { scopeOf, SCOPE_SQL, type Scope } from "@/metrics/scope";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";
import { metricInput, windowInput } from "./metric-window";

const violationRow = z.object({
  workflow: z.string(),
  run_id: z.string(),
  step: z.string(),
  model: z.string(),
  classification: z.string(),
  at: z.string(),
});
const denialRow = z.object({ at: z.string(), source: z.string(), workflow: z.string(), user_role: z.string(), classification: z.string() });

// The offending runs behind the metric's policy-violation count: its (workflow, class, model) triples
// are the definition; this only lists the steps that carry them.
const SEP = "\u001f";
const VIOLATIONS_SQL = `
  SELECT workflow, run_id, toString(step) AS step, if(response_model != '', response_model, request_model) AS model,
         toString(data_classification) AS classification, toString(start_time) AS at
  FROM steps WHERE ${SCOPE_SQL} AND phase = 'live' AND actor = 'ai'
    AND start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}
    AND concat(workflow, {sep:String}, toString(data_classification), {sep:String}, model) IN {keys:Array(String)}
  ORDER BY start_time DESC LIMIT {limit:UInt32}`;

const DENIALS_SQL = `
  SELECT toString(time) AS at, toString(source) AS source, toString(workflow) AS workflow, toString(user_role) AS user_role,
         toString(data_classification) AS classification
  FROM data_access_events WHERE ${SCOPE_SQL} AND decision = 'deny' AND time >= {from:DateTime64(3)} AND time < {to:DateTime64(3)}
  ORDER BY time DESC LIMIT {limit:UInt32}`;

export async function complianceDetail(db: Db, scope: Scope, metric: ComplianceResult, limit: number) {
  const params = { ...scope.params, from: scope.from, to: scope.to, limit };
  const keys = metric.policy_violations.by_model.map((v) => [v.workflow, v.classification, v.model].join(SEP));
  return {
    violations: keys.length ? await db.query(VIOLATIONS_SQL, { ...params, sep: SEP, keys }, violationRow) : [],
    denials: await db.query(DENIALS_SQL, params, denialRow),
  };
}

export const complianceRouter = router({
  /** The compliance metric as is, plus the rows behind its violation counts. */
  summary: tenantProcedure(["executive", "ops", "admin"])
    .input(windowInput)
    .query(async ({ ctx, input }) => {
      const m = metricInput(ctx, input);
      const metric = (await cachedMetric(ctx.db, "compliance", m)) as ComplianceResult;
      return { metric, ...(await complianceDetail(ctx.db, scopeOf(m), metric, 500)) };
    }),
});
