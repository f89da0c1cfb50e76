import type { Db } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import { dayStart } from "./generate";
import { Random } from "./random";

/**
 * A small demo workflow that shows an anomaly (issue 27): ten weeks of records requests with a steady
 * ~8% exception rate, except one week, 10 to 4 days before the anchor, when a third of them fail (a
 * court portal changed its form). Its own workflow, with no go-live or baseline, so no other demo
 * workflow's figures change; unlocked, the firm-wide comparisons leave it out.
 */
export const ANOMALY_WORKFLOW = "records-requests";
const DAYS = 70;
const BAD_WEEK = { from: 10, to: 4 };
const HOUR = 3_600_000;

export function anomalyWorkflowRuns(tenantId: string, anchor: Date, seed: number): RunRow[] {
  const rng = new Random(seed ^ 0x27);
  const rows: RunRow[] = [];
  for (let ago = DAYS; ago >= 1; ago--) {
    const day = dayStart(anchor, ago);
    const weekday = day.getUTCDay() !== 0 && day.getUTCDay() !== 6;
    const rate = ago <= BAD_WEEK.from && ago >= BAD_WEEK.to ? 0.35 : 0.08;
    const n = rng.poisson(weekday ? 30 : 4);
    for (let i = 0; i < n; i++) {
      const start = new Date(day.getTime() + rng.between(8, 18) * HOUR);
      const failed = rng.chance(rate);
      rows.push({
        tenant_id: tenantId,
        workflow: ANOMALY_WORKFLOW,
        run_id: `rr-${ago}-${i}`,
        phase: "live",
        start_time: start,
        end_time: new Date(start.getTime() + rng.logNormal(2, 0.4) * HOUR),
        outcome: failed ? "exception" : "completed",
        exception_reason: failed ? "portal form rejected" : "",
        origin: "demo",
      });
    }
  }
  return rows;
}

/** Loads the workflow into a demo tenant: its settings row (so the dashboards list it) and its runs; returns the runs written. */
export async function loadAnomalyWorkflow(db: Db, tenantId: string, anchor: Date, seed: number): Promise<number> {
  await db.insert("workflows", [{ tenant_id: tenantId, workflow: ANOMALY_WORKFLOW, display_name: "Records requests", updated_by: "demo" }]);
  const rows = anomalyWorkflowRuns(tenantId, anchor, seed);
  await commitBatch(db, { runs: rows }, { dedupToken: `demo:${tenantId}:anomaly` });
  return rows.length;
}
