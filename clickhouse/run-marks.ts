import { z } from "zod";
import type { Db, Params } from "./client";

/**
 * Deletes raw rows and marks the runs they belonged to, so that `run_facts` derives those runs again
 * without them (metrics/run-facts.ts: inserts are marked by materialized views, deletions are not).
 *
 * The runs are marked before the deletion, stamped with one moment, and marked again after it from
 * those marks: a settlement between the two derives the old rows, the one after the second mark the
 * new state. Each mark names the day of the rows it stands for, so the days they counted in (step
 * figures by day, metrics/step-days.ts) are counted again too. `where` tests only columns both `runs` and `steps` have.
 */
export async function deleteMarkingRuns(db: Db, where: string, params: Params, remove: () => Promise<void>): Promise<void> {
  const [clock] = await db.query("SELECT toString(now64(6)) AS at", {}, z.object({ at: z.string() }));
  const stamp = { ...params, mark_at: clock?.at ?? "1970-01-01 00:00:00" };
  for (const table of ["runs", "steps"]) {
    await db.command(
      `INSERT INTO run_facts_dirty (tenant_id, workflow, phase, run_id, day, marked_at)
       SELECT DISTINCT tenant_id, workflow, toString(phase), run_id, toDate(start_time), {mark_at:DateTime64(6)} FROM ${table} WHERE ${where}
       SETTINGS distributed_foreground_insert = 1`,
      stamp,
    );
  }
  await remove();
  await db.command(
    `INSERT INTO run_facts_dirty (tenant_id, workflow, phase, run_id, day)
     SELECT DISTINCT tenant_id, workflow, phase, run_id, day FROM run_facts_dirty WHERE marked_at = {mark_at:DateTime64(6)}
     SETTINGS distributed_foreground_insert = 1`,
    stamp,
  );
}

/**
 * Marks the runs whose kept facts still name an import (`run_facts.import_id`) in a workflow. For a
 * deletion retried after a crash: the raw rows are gone, so `deleteMarkingRuns` finds nothing to mark,
 * and a settlement that ran between its marks and the DELETE would otherwise keep their old rows.
 */
export async function markImportRuns(db: Db, params: { tenant: string; workflow: string; importId: string }): Promise<void> {
  await db.command(
    `INSERT INTO run_facts_dirty (tenant_id, workflow, phase, run_id, day)
     SELECT tenant_id, workflow, toString(phase), run_id, toDate(start_time) FROM run_facts FINAL
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND import_id = {importId:String} AND present = 1
     SETTINGS distributed_foreground_insert = 1`,
    params,
  );
}
