import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { memoRead } from "@/clickhouse/read-memo";

/**
 * Freshness of a source (docs/metrics.md, "Freshness"), the one definition the freshness metric, the
 * stale-source alert and the digest use.
 *
 * - A sync's **point** is its watermark (the time of the freshest record it pulled), else, for a sync
 *   that did not fail, its end. A failed sync without a watermark says nothing about freshness.
 * - A source's **last point** as of `as_of` is the newest point among its syncs that ended by `as_of`.
 * - Its **lag** is `as_of − last point`; it is **breached** when it has an SLA and the lag exceeds it, or
 *   it has an SLA and no point at all (nothing it should deliver has arrived). Without an SLA, breach is
 *   unknown (null).
 */
export const POINT_SQL = "if(watermark IS NOT NULL, watermark, if(status != 'error', end_time, NULL))";

// Sources belong to the firm, not to a workflow; a user behind an information barrier sees the sources
// their workflows read (data access events link the two).
// The subquery's own `all_wf = 0` is constant false for a member without a barrier, so the engine
// reads none of the events for them (the set is built before the OR could skip it).
export const SOURCE_SCOPE_SQL = `tenant_id = {tenant:String} AND ({all_wf:UInt8} = 1 OR source GLOBAL IN (
  SELECT source FROM data_access_events WHERE {all_wf:UInt8} = 0 AND tenant_id = {tenant:String} AND workflow IN {wfs:Array(String)}))`;

/** Lag in minutes and breach of a source whose last point is `last`, as of `asOf`. */
export function freshnessOf(last: Date | null, asOf: Date, slaMinutes: number | null): { lag_minutes: number | null; breach: boolean | null } {
  const lag = last ? (asOf.getTime() - last.getTime()) / 60_000 : null;
  return { lag_minutes: lag, breach: slaMinutes === null ? null : lag === null ? true : lag > slaMinutes };
}

export interface SourceLag {
  source: string;
  /** Null when the source has no SLA (0). */
  sla_minutes: number | null;
  last_at: Date | null;
  lag_minutes: number | null;
  breach: boolean | null;
}

const time = z.string().nullable().transform((s) => (s ? fromClickHouseTime(s) : null));
const lagRow = z.object({ source: z.string(), sla: z.coerce.number(), last: time });

type ScopeParams = { tenant: string; all_wf: 0 | 1; wfs: string[] };

const LAGS_SQL = `SELECT source, ifNull(c.sla, 0) AS sla, toString(s.last) AS last FROM (
     SELECT source, argMax(freshness_sla_minutes, updated_at) AS sla, argMax(removed, updated_at) AS gone
     FROM sources WHERE ${SOURCE_SCOPE_SQL} GROUP BY source
   ) AS c
   GLOBAL FULL OUTER JOIN (
     SELECT source, maxOrNull(${POINT_SQL}) AS last FROM source_syncs
     WHERE ${SOURCE_SCOPE_SQL} AND end_time <= {as_of:DateTime64(3)} GROUP BY source
   ) AS s USING (source)
   WHERE ifNull(c.gone, 0) = 0
   ORDER BY source`;

/**
 * Every page's stale-source banner asks for the current lags. The last points read for one current
 * request serve the next ones for 30 seconds, the bound already set for which sources feed which
 * workflows: a sync this process stores forgets them at once (clickhouse/read-memo.ts), and only a
 * sync stored by another process in that time goes unseen. Each request computes its lag from its own
 * `asOf`; a request for a past moment, or one earlier than the points were read, reads its own.
 */
const LAG_TABLES = ["sources", "source_syncs", "data_access_events"];
const REMEMBER_MS = 30_000;
const CURRENT_MS = 5_000;

async function lastPoints(db: Db, params: ScopeParams, asOf: Date): Promise<z.output<typeof lagRow>[]> {
  const read = (at: Date) => db.query(LAGS_SQL, { ...params, as_of: at }, lagRow).then((rows) => ({ at, rows }));
  if (Math.abs(Date.now() - asOf.getTime()) > CURRENT_MS) return (await read(asOf)).rows;
  const key = `lags|${params.tenant}|${params.all_wf}|${params.wfs.join(",")}`;
  const remembered = await memoRead(db, key, LAG_TABLES, REMEMBER_MS, () => read(asOf));
  return remembered.at.getTime() <= asOf.getTime() ? remembered.rows : (await read(asOf)).rows;
}

/** Every configured, not removed source in scope, and every source that synced, with its freshness as of `asOf`. */
export async function sourceLags(db: Db, params: ScopeParams, asOf: Date): Promise<SourceLag[]> {
  const rows = await lastPoints(db, params, asOf);
  return rows.map((r) => {
    const sla = r.sla > 0 ? r.sla : null;
    return { source: r.source, sla_minutes: sla, last_at: r.last, ...freshnessOf(r.last, asOf, sla) };
  });
}

const pointRow = z.object({ source: z.string(), ended: time, point: time });

/**
 * Each UTC day's lag in minutes at the day's end (the anomaly series "source freshness"): of `source`,
 * or, when none is named, of the stalest source in scope. A day before any point is null (unknown).
 * `days` are the days' starts; syncs are read from 30 days before the first, so a source that stopped
 * earlier still has its last point.
 */
export async function dailyLags(db: Db, params: { tenant: string; all_wf: 0 | 1; wfs: string[] }, source: string | null, days: Date[]): Promise<(number | null)[]> {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return [];
  const rows = await db.query(
    `SELECT source, toString(end_time) AS ended, toString(${POINT_SQL}) AS point FROM source_syncs
     WHERE ${SOURCE_SCOPE_SQL} AND ({source:String} = '' OR source = {source:String}) AND ${POINT_SQL} IS NOT NULL
       AND end_time >= {from:DateTime64(3)} - INTERVAL 30 DAY AND end_time < {to:DateTime64(3)} + INTERVAL 1 DAY
     ORDER BY end_time`,
    { ...params, source: source ?? "", from: first, to: last },
    pointRow,
  );
  return days.map((day) => {
    const end = new Date(day.getTime() + 86_400_000);
    const lastPoint = new Map<string, Date>();
    for (const r of rows) {
      if (!r.ended || !r.point || r.ended > end) continue;
      const prev = lastPoint.get(r.source);
      if (!prev || r.point > prev) lastPoint.set(r.source, r.point);
    }
    const lags = [...lastPoint.values()].map((p) => freshnessOf(p, end, null).lag_minutes ?? 0);
    return lags.length > 0 ? Math.max(...lags) : null;
  });
}
