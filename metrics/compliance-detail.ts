import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import type { ComplianceResult } from "./compliance";
import { SCOPE_SQL, type Scope } from "./scope";
import { stepSetParams, stepSetSql } from "./step-set";

const violationRow = z.object({
  workflow: z.string(),
  run_id: z.string(),
  step: z.string(),
  model: z.string(),
  classification: z.string(),
  at: z.string(),
});
const denialRow = z.object({ at: z.string(), source: z.string(), workflow: z.string(), user_role: z.string(), classification: z.string() });

// The offending steps behind the metric's policy-violation count: its (workflow, class, model) triples
// are the definition; this only lists the steps that carry them, each step once (step-set.ts), so the
// list has exactly as many rows as the count says.
const SEP = "\u001f";
const VIOLATIONS_SQL = (limited: boolean) => `
  SELECT workflow, run_id, toString(step) AS step, model, toString(data_classification) AS classification, toString(start_time) AS at
  FROM (${stepSetSql(["actor", "step", "data_classification", "start_time"])})
  WHERE actor = 'ai' AND concat(workflow, {sep:String}, toString(data_classification), {sep:String}, model) IN {keys:Array(String)}
  ORDER BY start_time DESC, workflow, run_id, span_id ${limited ? "LIMIT {limit:UInt32}" : ""}`;

const DENIALS_SQL = (limited: boolean) => `
  SELECT toString(time) AS at, toString(source) AS source, toString(workflow) AS workflow, toString(user_role) AS user_role,
         toString(data_classification) AS classification
  FROM data_access_events WHERE ${SCOPE_SQL} AND decision = 'deny' AND time >= {from:DateTime64(3)} AND time < {to:DateTime64(3)}
  ORDER BY time DESC, event_id LIMIT 1 BY event_id ${limited ? "LIMIT {limit:UInt32}" : ""}`;

/**
 * The rows behind the compliance metric's violation and denial counts, for the same scope and window.
 * With `limit` null every row is returned: the evidence pack promises complete files.
 */
export async function complianceDetail(db: Db, scope: Scope, metric: ComplianceResult, limit: number | null) {
  const limited = limit !== null;
  const params = { ...scope.params, from: scope.from, to: scope.to, limit: limit ?? 0 };
  const keys = metric.policy_violations.by_model.map((v) => [v.workflow, v.classification, v.model].join(SEP));
  return {
    violations: keys.length
      ? await db.query(VIOLATIONS_SQL(limited), { ...params, ...stepSetParams("live", scope.from, scope.to), sep: SEP, keys }, violationRow)
      : [],
    denials: await db.query(DENIALS_SQL(limited), params, denialRow),
  };
}
