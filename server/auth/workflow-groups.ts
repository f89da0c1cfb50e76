import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";

const groupRow = z.object({ group_id: z.string(), name: z.string(), workflows: z.array(z.string()) });
export type WorkflowGroup = z.infer<typeof groupRow>;

const LIVE_GROUPS = `
  SELECT group_id, argMax(name, updated_at) AS name, argMax(workflows, updated_at) AS workflows
  FROM workflow_groups WHERE tenant_id = {tenant:String}
  GROUP BY group_id HAVING argMax(removed, updated_at) = 0`;

export async function listGroups(db: Db, tenantId: string): Promise<WorkflowGroup[]> {
  return db.query(`${LIVE_GROUPS} ORDER BY name`, { tenant: tenantId }, groupRow);
}

/**
 * The workflows a member may see: null means all of them (no groups, or an admin). A member whose
 * groups were all removed sees nothing rather than everything (information barriers fail closed).
 */
export async function allowedWorkflows(db: Db, tenantId: string, groupIds: string[]): Promise<string[] | null> {
  if (groupIds.length === 0) return null;
  const rows = await db.query(
    `SELECT DISTINCT arrayJoin(workflows) AS workflow FROM (${LIVE_GROUPS}) WHERE group_id IN {ids:Array(String)} ORDER BY workflow`,
    { tenant: tenantId, ids: groupIds },
    z.object({ workflow: z.string() }),
  );
  return rows.map((r) => r.workflow);
}

export async function saveGroup(
  db: Db,
  g: { tenantId: string; groupId?: string; name: string; workflows: string[]; updatedBy: string },
): Promise<WorkflowGroup> {
  const row = { group_id: g.groupId ?? randomUUID(), name: g.name, workflows: [...new Set(g.workflows)].sort() };
  await db.insert("workflow_groups", [{ tenant_id: g.tenantId, ...row, updated_by: g.updatedBy, updated_at: new Date() }]);
  return row;
}

export async function removeGroup(db: Db, g: { tenantId: string; groupId: string; updatedBy: string }): Promise<boolean> {
  const existing = (await listGroups(db, g.tenantId)).find((x) => x.group_id === g.groupId);
  if (!existing) return false;
  await db.insert("workflow_groups", [
    { tenant_id: g.tenantId, ...existing, removed: 1, updated_by: g.updatedBy, updated_at: new Date() },
  ]);
  return true;
}
