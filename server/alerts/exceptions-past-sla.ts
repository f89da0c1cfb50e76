import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { openExceptionCounts } from "@/metrics/open-exception";

export interface WorkflowExceptionSla {
  workflow: string;
  slaMinutes: number;
  pastSla: number;
  /** Age of the oldest open exception past its SLA, in minutes; null when none is. */
  oldestMinutes: number | null;
}

const slaRow = z.object({ workflow: z.string(), sla_minutes: z.coerce.number() });
/**
 * Open exceptions past their workflow's exception SLA, per workflow with an SLA, among the exceptions
 * opened since `from` (the rule's window). "Open" and "past SLA" are metrics/open-exception.ts's
 * definitions, the same the queue and compliance show. Workflows without an SLA are not reported.
 */
export async function exceptionsPastSla(db: Db, tenantId: string, from: Date, now: Date): Promise<WorkflowExceptionSla[]> {
  const slas = await db.query(
    `SELECT workflow, argMax(exception_sla_minutes, updated_at) AS sla_minutes
     FROM workflows WHERE tenant_id = {tenant:String}
     GROUP BY workflow HAVING argMax(removed, updated_at) = 0 AND sla_minutes > 0 ORDER BY workflow`,
    { tenant: tenantId },
    slaRow,
  );
  if (slas.length === 0) return [];
  const window = { params: { tenant: tenantId, all_wf: 1 as const, wfs: [] }, from, to: now, asOf: now };
  const byWorkflow = new Map((await openExceptionCounts(db, window, "workflow")).map((c) => [c.wf, c]));
  return slas.map((s) => {
    const c = byWorkflow.get(s.workflow);
    return { workflow: s.workflow, slaMinutes: s.sla_minutes, pastSla: c?.past_sla ?? 0, oldestMinutes: c?.oldest_past_sla_minutes ?? null };
  });
}
