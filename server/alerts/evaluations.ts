import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";

/** What the latest evaluation of a rule concluded, as a whole (its subjects are in the episodes). */
export type EvaluationStatus = "ok" | "firing" | "insufficient_data" | "error";

export interface Evaluation {
  tenantId: string;
  ruleId: string;
  evaluatedAt: Date;
  status: EvaluationStatus;
  /** Why the data was insufficient, or the error; empty when ok or firing. */
  reason: string;
}

const row = z.object({
  rule_id: z.string(),
  evaluated_at: z.string().transform(fromClickHouseTime),
  status: z.enum(["ok", "firing", "insufficient_data", "error"]),
  reason: z.string(),
});

export async function writeEvaluation(db: Db, e: Evaluation, evaluator: string): Promise<void> {
  await db.insert("alert_evaluations", [
    { tenant_id: e.tenantId, rule_id: e.ruleId, evaluated_at: e.evaluatedAt, status: e.status, reason: e.reason.slice(0, 2000), evaluator },
  ]);
}

// Aliases differ from column names: ClickHouse would otherwise read `status` inside argMax as the alias.
/** The latest evaluation of each of the tenant's rules that has one, by rule id. */
export async function latestEvaluations(db: Db, tenantId: string): Promise<Map<string, Evaluation>> {
  const rows = await db.query(
    `SELECT rule_id, toString(last_at) AS evaluated_at, toString(last_status) AS status, last_reason AS reason FROM (
       SELECT rule_id, max(evaluated_at) AS last_at, argMax(status, evaluated_at) AS last_status, argMax(reason, evaluated_at) AS last_reason
       FROM alert_evaluations WHERE tenant_id = {tenant:String} GROUP BY rule_id)`,
    { tenant: tenantId },
    row,
  );
  return new Map(rows.map((r) => [r.rule_id, { tenantId, ruleId: r.rule_id, evaluatedAt: r.evaluated_at, status: r.status, reason: r.reason }]));
}
