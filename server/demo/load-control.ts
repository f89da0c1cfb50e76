import type { Db } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import { DEMO_CONTROL, demoControlWorkflow, generateDemoControl } from "@/ingest/demo/control-workflow";
import type { DemoFirm } from "@/ingest/demo/firms";
import { saveWorkflowControls } from "@/metrics/workflow-controls";

/**
 * Loads the demo's control workflow (ingest/demo/control-workflow.ts) into a demo tenant: its settings
 * (no go-live), its runs, and the control link from the treated workflow. Returns the runs written.
 */
export async function loadDemoControl(db: Db, tenantId: string, firm: DemoFirm, anchor: Date, seed: number): Promise<number> {
  const pair = demoControlWorkflow(firm);
  if (!pair) return 0;
  const { control } = pair;
  await db.insert("workflows", [
    {
      tenant_id: tenantId,
      workflow: control.workflow,
      display_name: control.displayName,
      go_live_date: null,
      hourly_cost: control.hourlyCost,
      currency: firm.currency,
      review_sla_minutes: control.reviewSlaMinutes,
      exception_sla_minutes: control.exceptionSlaMinutes,
      updated_by: "demo",
    },
  ]);
  let runs = 0;
  let chunkNo = 0;
  for (const chunk of generateDemoControl(firm, { tenantId, anchor, seed })) {
    await commitBatch(db, chunk.batch, { dedupToken: `demo:${tenantId}:control:${chunkNo++}` });
    runs += chunk.batch.runs?.length ?? 0;
  }
  await saveWorkflowControls(db, tenantId, DEMO_CONTROL.treated, [control.workflow], "demo");
  return runs;
}
