import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/**
 * The control workflows each workflow is compared with (migration 0210, docs/metrics.md "Control
 * comparisons"). Append-only: the newest `updated_at` per workflow holds its current list.
 */
const controlsRow = z.object({ workflow: z.string(), controls: z.array(z.string()) });

/** Current control lists of the tenant's workflows (a workflow with none is absent). */
export async function workflowControls(db: Db, tenantId: string): Promise<Map<string, string[]>> {
  const rows = await db.query(
    `SELECT workflow, controls FROM workflow_controls WHERE tenant_id = {tenant:String}
     ORDER BY updated_at DESC LIMIT 1 BY workflow`,
    { tenant: tenantId },
    controlsRow,
  );
  return new Map(rows.filter((r) => r.controls.length > 0).map((r) => [r.workflow, r.controls]));
}

/** Stores a new control list for `workflow` (an empty list removes the link). */
export async function saveWorkflowControls(db: Db, tenantId: string, workflow: string, controls: string[], actor: string): Promise<void> {
  await db.insert("workflow_controls", [{ tenant_id: tenantId, workflow, controls, updated_by: actor, updated_at: new Date() }]);
}

/** What the check needs to know of each configured workflow. */
export interface ControlCandidate {
  workflow: string;
  go_live_date: string | null;
}

/**
 * Why a control list cannot be saved, in a sentence, or null when it can. A control must be another
 * configured workflow, and it must not have gone live on or before the treated workflow's go-live:
 * an already automated workflow is no control (docs/metrics.md, "Staggered go-lives"). A control that
 * goes live later is fine: the comparison uses it only for windows that end before its own go-live.
 * Without a treated go-live, a control that is already live today is refused.
 */
export function controlProblem(workflow: string, controls: readonly string[], configured: readonly ControlCandidate[], today: string): string | null {
  const byName = new Map(configured.map((c) => [c.workflow, c]));
  const treatedLive = byName.get(workflow)?.go_live_date ?? null;
  if (new Set(controls).size !== controls.length) return "Controls: a workflow is listed twice";
  for (const name of controls) {
    const control = byName.get(name);
    if (name === workflow) return `Controls: ${name} cannot be its own control`;
    if (!control) return `Controls: there is no workflow ${name}`;
    const live = control.go_live_date;
    if (live === null) continue;
    if (treatedLive !== null && live <= treatedLive) return `Controls: ${name} went live on ${live}, not after ${workflow} (${treatedLive}); an automated workflow is no control`;
    if (treatedLive === null && live <= today) return `Controls: ${name} is already live (since ${live}); an automated workflow is no control`;
  }
  return null;
}
