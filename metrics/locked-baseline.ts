import { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";
import { settleRunFacts } from "./run-facts";
import { runSetParams, runSetSql } from "./run-set";
import { SCOPE_SQL } from "./scope";

/**
 * The locked baseline (docs/metrics.md, "Locked baseline"): a lock version freezes the set of runs it
 * stands on into `baseline_lock_runs` (migration 0130), and every comparison that cites the version
 * reads exactly those runs. Data imported or resent after the lock changes nothing until someone locks
 * a new version. The figures stored with a lock and the figures a comparison shows are both
 * `SIDE_FIGURES` over the same rows, so they cannot disagree.
 */

/** Per-run columns of a side, as the run set yields them and the lock keeps them. */
const SIDE_COLUMNS = "workflow, run_id, start_time, end_time, cycle_seconds, exception, straight_through, human_minutes, import_id";

/**
 * The figures of a side over per-run rows (`source` is a subquery with SIDE_COLUMNS), per workflow (or pooled
 * over all of them, as workflow `*`). Quantiles are exact and interpolate linearly between order statistics (type 7, as spreadsheets and
 * numpy do). A rate is over the runs whose status is known; with none known it is NULL (unknown).
 */
export const SIDE_FIGURES = (source: string, by: "workflow" | "pooled" = "workflow") => `
  SELECT ${by === "pooled" ? "'*'" : "workflow"} AS wf,
         count() AS n,
         quantilesExactInclusive(0.5, 0.9)(cycle_seconds) AS q,
         sum(cycle_seconds) AS cycle_seconds_sum,
         count(exception) AS exception_known,
         sum(ifNull(exception, 0)) AS exception_runs,
         count(straight_through) AS st_known,
         sum(ifNull(straight_through, 0)) AS st_runs,
         count(human_minutes) AS runs_with_minutes,
         sum(ifNull(human_minutes, 0)) AS minutes_sum,
         toString(min(start_time)) AS window_from,
         toString(max(end_time)) AS window_to,
         arraySort(groupUniqArrayIf(import_id, import_id != '')) AS import_ids,
         countIf(import_id = '') AS instrumented_runs
  FROM (${source})
  GROUP BY wf`;

export const sideFiguresRow = z.object({
  wf: z.string(),
  n: z.coerce.number(),
  q: z.array(z.number()),
  cycle_seconds_sum: z.number(),
  exception_known: z.coerce.number(),
  exception_runs: z.coerce.number(),
  st_known: z.coerce.number(),
  st_runs: z.coerce.number(),
  runs_with_minutes: z.coerce.number(),
  minutes_sum: z.number(),
  window_from: z.string(),
  window_to: z.string(),
  import_ids: z.array(z.string()),
  instrumented_runs: z.coerce.number(),
});
export type SideFigures = z.output<typeof sideFiguresRow>;

/** Rows of the latest lock version of each workflow in scope (the version a comparison cites). */
export const LOCKED_RUNS_SQL = `
  SELECT ${SIDE_COLUMNS} FROM baseline_lock_runs FINAL
  WHERE ${SCOPE_SQL}
    AND (workflow, version) IN (
      SELECT workflow, max(version) FROM baseline_locks WHERE ${SCOPE_SQL} GROUP BY workflow)`;

/** Baseline runs that would be locked for a go-live now: finished baseline runs started before it. */
export function candidateBaselineSql(): string {
  return `SELECT ${SIDE_COLUMNS} FROM (${runSetSql()})`;
}

export function candidateBaselineParams(tenantId: string, workflow: string, goLive: Date): Params {
  return { tenant: tenantId, all_wf: 0, wfs: [workflow], ...runSetParams("baseline", new Date(0), goLive) };
}

/** The figures a lock of `workflow` at `goLive` would freeze now; writes nothing. */
export async function candidateBaselineFigures(db: Db, tenantId: string, workflow: string, goLive: Date): Promise<SideFigures | undefined> {
  await settleRunFacts(db, tenantId);
  const rows = await db.query(SIDE_FIGURES(candidateBaselineSql()), candidateBaselineParams(tenantId, workflow, goLive), sideFiguresRow);
  return rows[0];
}

/**
 * Freezes the candidate baseline runs as lock `version`. Rows a failed earlier attempt left for the
 * same version are removed first, so the version holds exactly what this call saw.
 */
export async function freezeBaselineRuns(db: Db, tenantId: string, workflow: string, version: number, goLive: Date): Promise<void> {
  const key = { tenant: tenantId, workflow, version };
  const WHERE = "tenant_id = {tenant:String} AND workflow = {workflow:String} AND version = {version:UInt32}";
  // A lightweight DELETE costs a mutation even when it matches nothing (most locks): look first.
  const [left] = await db.query(`SELECT count() AS n FROM baseline_lock_runs WHERE ${WHERE}`, key, z.object({ n: z.coerce.number() }));
  if ((left?.n ?? 0) > 0) await db.command(`DELETE FROM baseline_lock_runs WHERE ${WHERE}`, key);
  await settleRunFacts(db, tenantId);
  await db.command(
    `INSERT INTO baseline_lock_runs (tenant_id, version, ${SIDE_COLUMNS})
     SELECT {tenant:String}, {version:UInt32}, ${SIDE_COLUMNS} FROM (${candidateBaselineSql()})`,
    { ...candidateBaselineParams(tenantId, workflow, goLive), version },
  );
}

/** The figures of the cited (latest) lock version of each workflow in scope, from its frozen runs. */
export async function lockedBaselineFigures(db: Db, scope: { tenant: string; all_wf: 0 | 1; wfs: string[] }): Promise<Map<string, SideFigures>> {
  const rows = await db.query(SIDE_FIGURES(LOCKED_RUNS_SQL), scope, sideFiguresRow);
  return new Map(rows.map((r) => [r.wf, r]));
}

/** The figures of the runs frozen as lock `version` of one workflow (before or after its lock row is written). */
export async function frozenVersionFigures(db: Db, tenantId: string, workflow: string, version: number): Promise<SideFigures | undefined> {
  const rows = await db.query(
    SIDE_FIGURES(`SELECT ${SIDE_COLUMNS} FROM baseline_lock_runs FINAL
      WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND version = {version:UInt32}`),
    { tenant: tenantId, workflow, version },
    sideFiguresRow,
  );
  return rows[0];
}

/**
 * Baseline runs stored since the cited lock that it does not hold: a pending revision, which changes
 * no comparison until someone locks a new version (with a reason). Null when the workflow has no lock.
 */
export async function pendingRevision(db: Db, tenantId: string, workflow: string): Promise<{ version: number; runs: number } | null> {
  const rows = await db.query(
    `SELECT version, toString(go_live_date) AS go_live FROM baseline_locks
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND method = 'measured'
     ORDER BY version DESC LIMIT 1`,
    { tenant: tenantId, workflow },
    z.object({ version: z.coerce.number(), go_live: z.string() }),
  );
  const lock = rows[0];
  if (!lock) return null;
  const params = { ...candidateBaselineParams(tenantId, workflow, new Date(`${lock.go_live}T00:00:00Z`)), version: lock.version, workflow };
  await settleRunFacts(db, tenantId);
  const count = await db.query(
    `SELECT count() AS runs FROM (${candidateBaselineSql()})
     WHERE run_id NOT IN (SELECT run_id FROM baseline_lock_runs
                          WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND version = {version:UInt32})`,
    params,
    z.object({ runs: z.coerce.number() }),
  );
  return { version: lock.version, runs: count[0]?.runs ?? 0 };
}

/** A rate over the runs whose status is known; null when none is. */
export const knownRate = (hits: number, known: number): number | null => (known > 0 ? hits / known : null);
