import { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";
import { MEASURE_NAMES } from "@/ingest/business-measures";
import { type MonthValue, addMonths, dimensionSql, monthWindowParams, monthsByDimensionsSql } from "./business-months";
import type { BaselineYear, MonthReader } from "./business-outcomes";

/**
 * The baseline year of the business outcomes (docs/metrics.md, "Business outcomes"): the latest locked
 * version, else the twelve months before the first go-live (not locked: comparisons say so), else none.
 */
const lockRow = z.object({ version: z.coerce.number(), from_month: z.string(), to_month: z.string(), method: z.string(), reason: z.string(), locked_by: z.string(), locked_at: z.string() });
export type BaselineYearLock = z.infer<typeof lockRow>;

export async function baselineYearLocks(db: Db, tenantId: string): Promise<BaselineYearLock[]> {
  return db.query(
    `SELECT version, from_month, to_month, toString(method) AS method, reason, locked_by, toString(locked_at) AS locked_at
     FROM business_baseline_locks WHERE tenant_id = {t:String} ORDER BY version DESC`,
    { t: tenantId },
    lockRow,
  );
}

/** The day (YYYY-MM-DD) of the first go-live among the tenant's current workflows; null when none has gone live. */
export async function firstGoLiveDate(db: Db, tenantId: string): Promise<string | null> {
  const [r] = await db.query(
    `SELECT toString(min(go_live_date)) AS first FROM (
       SELECT argMax(go_live_date, updated_at) AS go_live_date, argMax(removed, updated_at) AS removed
       FROM workflows WHERE tenant_id = {t:String} GROUP BY workflow)
     WHERE removed = 0 AND go_live_date IS NOT NULL`,
    { t: tenantId },
    z.object({ first: z.string().nullable() }),
  );
  return r?.first ?? null;
}

/** The month of the first go-live: the default baseline year's anchor, and the lagging checkpoints'. */
export async function firstGoLiveMonth(db: Db, tenantId: string): Promise<string | null> {
  return (await firstGoLiveDate(db, tenantId))?.slice(0, 7) ?? null;
}

export async function currentBaselineYear(db: Db, tenantId: string): Promise<BaselineYear | null> {
  const [lock] = await baselineYearLocks(db, tenantId);
  if (lock) return { from: lock.from_month, to: lock.to_month, version: lock.version };
  const goLive = await firstGoLiveMonth(db, tenantId);
  return goLive ? { from: addMonths(goLive, -12), to: addMonths(goLive, -1), version: null } : null;
}

const frozenRow = z.object({ month: z.string(), key: z.array(z.string()), value: z.number() });

/** Reads a locked version's frozen months, split and narrowed like `measureMonths`. */
export function frozenMonthReader(db: Db, tenantId: string, version: number): MonthReader {
  return async (q): Promise<MonthValue[]> => {
    const params: Params = { t: tenantId, v: version, measure: q.measure, from: q.from, to: q.to };
    const dims = dimensionSql(q, params);
    return db.query(
      `SELECT month, ${dims.key} AS key, sum(value) AS value
       FROM business_baseline_months
       WHERE tenant_id = {t:String} AND version = {v:UInt32} AND measure = {measure:String}
         AND month >= {from:String} AND month <= {to:String} ${dims.where}
       GROUP BY month, key ORDER BY month, key`,
      params,
      frozenRow,
    );
  };
}

/**
 * Locks a baseline year as a new version: its months' figures are frozen (every measure, every set of
 * dimensions) and the version recorded with who and why. Returns the version.
 */
export async function lockBaselineYear(db: Db, o: { tenantId: string; from: string; method: "before-go-live" | "declared"; reason: string; actor: string }): Promise<number> {
  const to = addMonths(o.from, 11);
  const [last] = await db.query(`SELECT max(version) AS v FROM business_baseline_locks WHERE tenant_id = {t:String}`, { t: o.tenantId }, z.object({ v: z.coerce.number() }));
  const version = (last?.v ?? 0) + 1;
  const key = { t: o.tenantId, v: version };
  const [left] = await db.query(`SELECT count() AS n FROM business_baseline_months WHERE tenant_id = {t:String} AND version = {v:UInt32}`, key, z.object({ n: z.coerce.number() }));
  if ((left?.n ?? 0) > 0) await db.command(`DELETE FROM business_baseline_months WHERE tenant_id = {t:String} AND version = {v:UInt32}`, key);
  for (const measure of MEASURE_NAMES) {
    await db.command(
      `INSERT INTO business_baseline_months (tenant_id, version, measure, month, dimensions, value)
       SELECT {tenant:String}, {version:UInt32}, {measure:String}, month, mapFromArrays(key.1, key.2), value
       FROM (${monthsByDimensionsSql(measure)})`,
      { ...monthWindowParams({ tenantId: o.tenantId, measure, from: o.from, to }), version },
    );
  }
  await db.insert("business_baseline_locks", [{ tenant_id: o.tenantId, version, from_month: o.from, to_month: to, method: o.method, reason: o.reason.slice(0, 500), locked_by: o.actor }]);
  return version;
}
