import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export interface WorkflowExceptionSla {
  workflow: string;
  slaMinutes: number;
  pastSla: number;
  /** Age of the oldest open exception past its SLA, in minutes; null when none is. */
  oldestMinutes: number | null;
}

const slaRow = z.object({ workflow: z.string(), sla_minutes: z.coerce.number() });
const pastRow = z.object({ workflow: z.string(), past: z.coerce.number(), oldest_ms: z.coerce.number() });

/**
 * Open exceptions past their workflow's exception SLA (DESIGN.md §3.5): live runs in the window with
 * outcome `exception` or an intervention step, not closed by a `resolve` action (a later `reopen`
 * opens them again), older than the SLA at `now`. Workflows without an SLA are not reported.
 */
export async function exceptionsPastSla(db: Db, tenantId: string, from: Date, now: Date): Promise<WorkflowExceptionSla[]> {
  const params = { tenant: tenantId, from, now };
  const slas = await db.query(
    `SELECT workflow, argMax(exception_sla_minutes, updated_at) AS sla_minutes
     FROM workflows WHERE tenant_id = {tenant:String}
     GROUP BY workflow HAVING argMax(removed, updated_at) = 0 AND sla_minutes > 0 ORDER BY workflow`,
    params,
    slaRow,
  );
  if (slas.length === 0) return [];
  const past = await db.query(
    `SELECT r.workflow AS workflow, count() AS past, toUnixTimestamp64Milli(min(r.ended)) AS oldest_ms
     FROM (
       SELECT toString(workflow) AS workflow, run_id, argMax(outcome, ingested_at) AS last_outcome, argMax(end_time, ingested_at) AS ended
       FROM runs
       WHERE tenant_id = {tenant:String} AND phase = 'live' AND start_time >= {from:DateTime64(3)} AND start_time <= {now:DateTime64(3)}
       GROUP BY workflow, run_id
     ) AS r
     INNER JOIN (
       SELECT workflow, argMax(exception_sla_minutes, updated_at) AS sla FROM workflows
       WHERE tenant_id = {tenant:String} GROUP BY workflow
     ) AS w ON w.workflow = r.workflow
     WHERE (r.last_outcome = 'exception' OR r.run_id IN (
             SELECT run_id FROM steps WHERE tenant_id = {tenant:String} AND intervention = 1 AND start_time >= {from:DateTime64(3)}))
       AND r.run_id NOT IN (
             SELECT run_id FROM exception_actions WHERE tenant_id = {tenant:String} AND action IN ('resolve', 'reopen')
             GROUP BY run_id HAVING argMax(action, at) = 'resolve')
       AND w.sla > 0 AND dateDiff('second', r.ended, {now:DateTime64(3)}) > w.sla * 60
     GROUP BY r.workflow`,
    params,
    pastRow,
  );
  const byWorkflow = new Map(past.map((p) => [p.workflow, p]));
  return slas.map((s) => {
    const p = byWorkflow.get(s.workflow);
    return {
      workflow: s.workflow,
      slaMinutes: s.sla_minutes,
      pastSla: p?.past ?? 0,
      oldestMinutes: p ? (now.getTime() - p.oldest_ms) / 60_000 : null,
    };
  });
}
