import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export interface SourceFreshness {
  source: string;
  slaMinutes: number;
  /** Freshest watermark, else the last successful sync's end; null when the source never synced. */
  lastFresh: Date | null;
  ageMinutes: number | null;
  stale: boolean;
}

const row = z.object({
  source: z.string(),
  sla_minutes: z.coerce.number(),
  watermark_ms: z.coerce.number(),
  last_ok_ms: z.coerce.number(),
});

/** Sources with a freshness SLA and how fresh they are at `now` (DESIGN.md §3.4: watermark, else last sync). */
export async function sourceFreshness(db: Db, tenantId: string, now: Date): Promise<SourceFreshness[]> {
  const rows = await db.query(
    `SELECT cfg.source AS source, cfg.sla AS sla_minutes,
            ifNull(toUnixTimestamp64Milli(s.wm), 0) AS watermark_ms, ifNull(toUnixTimestamp64Milli(s.last_ok), 0) AS last_ok_ms
     FROM (
       SELECT source, argMax(freshness_sla_minutes, updated_at) AS sla, argMax(removed, updated_at) AS gone
       FROM sources WHERE tenant_id = {tenant:String} GROUP BY source HAVING gone = 0 AND sla > 0
     ) AS cfg
     LEFT JOIN (
       SELECT toString(source) AS source, max(watermark) AS wm, maxIf(end_time, status != 'error') AS last_ok
       FROM source_syncs WHERE tenant_id = {tenant:String} AND start_time <= {now:DateTime64(3)} GROUP BY source
     ) AS s ON s.source = cfg.source
     ORDER BY source`,
    { tenant: tenantId, now },
    row,
  );
  return rows.map((r) => {
    const ms = r.watermark_ms > 0 ? r.watermark_ms : r.last_ok_ms;
    const lastFresh = ms > 0 ? new Date(ms) : null;
    const ageMinutes = lastFresh ? Math.max(0, (now.getTime() - ms) / 60_000) : null;
    return { source: r.source, slaMinutes: r.sla_minutes, lastFresh, ageMinutes, stale: ageMinutes === null || ageMinutes > r.sla_minutes };
  });
}
