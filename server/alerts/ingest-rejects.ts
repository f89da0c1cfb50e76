import { z } from "zod";
import type { Db } from "@/clickhouse/client";

const row = z.object({ accepted: z.coerce.number(), rejected: z.coerce.number() });

/** Spans accepted and rejected by ingest since `from` (day granularity: ingest_stats is daily). */
export async function ingestRejects(db: Db, tenantId: string, from: Date, now: Date): Promise<{ accepted: number; rejected: number }> {
  const rows = await db.query(
    `SELECT sum(accepted) AS accepted, sum(rejected) AS rejected FROM ingest_stats
     WHERE tenant_id = {tenant:String} AND day >= toDate({from:DateTime64(3)}) AND day <= toDate({now:DateTime64(3)})`,
    { tenant: tenantId, from, now },
    row,
  );
  return rows[0] ?? { accepted: 0, rejected: 0 };
}

const dayRow = row.extend({ day: z.string() });

/** Spans accepted and rejected per UTC day from `from` to `to` inclusive (the anomaly series "ingest rejects"). */
export async function ingestRejectsByDay(db: Db, tenantId: string, from: Date, to: Date): Promise<Map<string, { accepted: number; rejected: number }>> {
  const rows = await db.query(
    `SELECT toString(day) AS day, sum(accepted) AS accepted, sum(rejected) AS rejected FROM ingest_stats
     WHERE tenant_id = {tenant:String} AND day >= toDate({from:DateTime64(3)}) AND day <= toDate({to:DateTime64(3)})
     GROUP BY day`,
    { tenant: tenantId, from, to },
    dayRow,
  );
  return new Map(rows.map((r) => [r.day, { accepted: r.accepted, rejected: r.rejected }]));
}
