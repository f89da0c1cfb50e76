import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { OUTCOME_KEYS, type OutcomeKey } from "./business-outcome-defs";
import { type BusinessTarget, targetKind } from "./business-target";

/** The business outcomes' targets as stored (migration 0200): the newest row per outcome wins. */
const targetRow = z.object({
  outcome: z.enum(OUTCOME_KEYS as [OutcomeKey, ...OutcomeKey[]]),
  kind: z.enum(["relative", "absolute"]),
  target: z.number(),
  updated_by: z.string(),
  updated_at: z.string(),
});
export type StoredTarget = z.infer<typeof targetRow>;

/** The tenant's current targets (removed ones left out), by outcome. A row naming an outcome no longer defined is skipped. */
export async function businessTargets(db: Db, tenantId: string): Promise<StoredTarget[]> {
  const rows = await db.query(
    `SELECT outcome, kind, value AS target, updated_by, changed_at AS updated_at FROM (
       SELECT outcome, toString(argMax(kind, updated_at)) AS kind, argMax(target, updated_at) AS value,
              argMax(removed, updated_at) AS removed, argMax(updated_by, updated_at) AS updated_by, toString(max(updated_at)) AS changed_at
       FROM business_targets WHERE tenant_id = {t:String} GROUP BY outcome)
     WHERE removed = 0 ORDER BY outcome`,
    { t: tenantId },
    z.object({ outcome: z.string() }).passthrough(),
  );
  return rows.flatMap((r) => {
    const parsed = targetRow.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Sets an outcome's target (a new row; the old one stays until a merge, and readers take the newest).
 * The kind is the outcome's (`targetKind`) and is stored with the value, so a stored target keeps the
 * meaning it was set with. The input is checked by `targetInput` before it gets here.
 */
export async function saveBusinessTarget(db: Db, o: { tenantId: string; actor: string; target: Omit<BusinessTarget, "kind"> }): Promise<BusinessTarget> {
  const saved: BusinessTarget = { ...o.target, kind: targetKind(o.target.outcome) };
  await db.insert("business_targets", [{ tenant_id: o.tenantId, outcome: saved.outcome, kind: saved.kind, target: saved.target, removed: 0, updated_by: o.actor, updated_at: new Date() }]);
  return saved;
}

/** Removes an outcome's target: its checkpoints read "no target" again. Returns whether there was one. */
export async function removeBusinessTarget(db: Db, o: { tenantId: string; actor: string; outcome: OutcomeKey }): Promise<boolean> {
  const had = (await businessTargets(db, o.tenantId)).find((t) => t.outcome === o.outcome);
  if (!had) return false;
  // After the row it removes, even within the same millisecond: the newest row wins.
  const at = new Date(Math.max(Date.now(), Date.parse(`${had.updated_at.replace(" ", "T")}Z`) + 1));
  await db.insert("business_targets", [{ tenant_id: o.tenantId, outcome: o.outcome, kind: had.kind, target: 0, removed: 1, updated_by: o.actor, updated_at: at }]);
  return true;
}
