import { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";
import { MEASURES, type Measure } from "@/ingest/business-measures";

/** A calendar month, `YYYY-MM` (UTC). */
export const monthString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month is YYYY-MM");

/** The first instant of a month, UTC. */
export function monthStart(month: string): Date {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1));
}

/** `month` moved by `n` months (negative: earlier). */
export function addMonths(month: string, n: number): string {
  const d = monthStart(month);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)).toISOString().slice(0, 7);
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonths(m, 1)) out.push(m);
  return out;
}

export interface MonthQuery {
  tenantId: string;
  measure: Measure;
  /** First and last month, both included. */
  from: string;
  to: string;
  /** Dimensions to split by (e.g. work.category); the value's `key` lists them in this order. */
  by?: readonly string[];
  /** Only points whose dimension has this value. */
  where?: Readonly<Record<string, string>>;
}

export interface MonthValue {
  month: string;
  /** The `by` dimensions' values, in `by` order. */
  key: string[];
  value: number;
}

const row = z.object({ month: z.string(), key: z.array(z.string()), value: z.number() });

/** The `by` split as an Array(String) key and the `where` narrowing, with their parameters added to `params`. */
export function dimensionSql(q: Pick<MonthQuery, "by" | "where">, params: Params): { key: string; where: string } {
  const by = q.by ?? [];
  by.forEach((d, i) => (params[`by${i}`] = d));
  const where = Object.entries(q.where ?? {}).map(([k, v], i) => {
    params[`wk${i}`] = k;
    params[`wv${i}`] = v;
    return `AND dimensions[{wk${i}:String}] = {wv${i}:String}`;
  });
  return { key: `[${by.map((_d, i) => `dimensions[{by${i}:String}]`).join(", ")}]::Array(String)`, where: where.join(" ") };
}

/**
 * An amount's months: delta points and imported totals as sent; a cumulative running total as the
 * increases between its consecutive points (partitioned by series and start, so a restart, which
 * brings a new start time, begins a new total and its first point counts whole). A month belongs to a
 * point by the point's time. The window is applied after the differences, so a month's first increase
 * is measured from the point before it.
 */
function flowSql(dims: { key: string; where: string }): string {
  return `
    SELECT formatDateTime(toStartOfMonth(time), '%Y-%m') AS month, ${dims.key} AS key, sum(amount) AS value
    FROM (
      SELECT time, dimensions,
             if(temporality = 'cumulative', value - ifNull(prev, 0), value) AS amount
      FROM (
        SELECT time, dimensions, temporality, value,
               lagInFrame(toNullable(value), 1, NULL) OVER (PARTITION BY series, temporality, start_time ORDER BY time ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev
        FROM business_points FINAL
        WHERE tenant_id = {tenant:String} AND measure = {measure:String} AND temporality != 'gauge' ${dims.where}
      )
    )
    WHERE time >= {from:DateTime64(3)} AND time < {to:DateTime64(3)}
    GROUP BY month, key ORDER BY month, key`;
}

/** A level's months: each series' mean reading in the month, added up over the series. */
function levelSql(dims: { key: string; where: string }): string {
  return `
    SELECT month, key, sum(series_mean) AS value
    FROM (
      SELECT formatDateTime(toStartOfMonth(time), '%Y-%m') AS month, series, ${dims.key} AS key, avg(value) AS series_mean
      FROM business_points FINAL
      WHERE tenant_id = {tenant:String} AND measure = {measure:String} AND temporality = 'gauge'
        AND time >= {from:DateTime64(3)} AND time < {to:DateTime64(3)} ${dims.where}
      GROUP BY month, series, key
    )
    GROUP BY month, key ORDER BY month, key`;
}

/** Parameters of the month queries: tenant, measure and the window's bounds. */
function windowParams(q: Omit<MonthQuery, "by" | "where">): Params {
  return { tenant: q.tenantId, measure: q.measure, from: monthStart(q.from), to: monthStart(addMonths(q.to, 1)) };
}

/**
 * A measure's value per month (docs/metrics.md, "Business outcomes"). A month with no data point is
 * absent, never 0: an unreported month is unknown.
 */
export async function measureMonths(db: Db, q: MonthQuery): Promise<MonthValue[]> {
  const params = windowParams(q);
  const dims = dimensionSql(q, params);
  const sql = MEASURES[q.measure].kind === "flow" ? flowSql(dims) : levelSql(dims);
  return db.query(sql, params, row);
}

const measureRow = z.object({ measure: z.string() });

/**
 * The measures the tenant has any point of. A report reads this once and skips the month reads of
 * the others, which could only come back empty: most firms report a few of the measures.
 */
export async function reportedMeasures(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await db.query("SELECT DISTINCT measure FROM business_points WHERE tenant_id = {tenant:String}", { tenant: tenantId }, measureRow);
  return new Set(rows.map((r) => r.measure));
}

/**
 * The same months split by every dimension (the key is the dimensions map): what a baseline-year lock
 * freezes, so that reading the frozen rows by any split gives what `measureMonths` gave at the lock.
 */
export function monthsByDimensionsSql(measure: Measure): string {
  const dims = { key: "arrayZip(mapKeys(dimensions), mapValues(dimensions))", where: "" };
  return MEASURES[measure].kind === "flow" ? flowSql(dims) : levelSql(dims);
}
export { windowParams as monthWindowParams };
