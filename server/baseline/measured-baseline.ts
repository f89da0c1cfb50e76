import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/**
 * The measured baseline of a workflow: its baseline-phase runs that started before go-live
 * (DESIGN.md §3). Cycle time = end − start; human minutes per run = the run's own figure plus its
 * steps' (they add up, as live labor hours count them: docs/conventions.md), averaged over the runs
 * that record any (a case list with a blank minutes cell says nothing about effort, it does not say
 * zero); a run is an exception when its outcome is `exception` or any step was an intervention. Percentiles interpolate linearly (type 7, as spreadsheets and numpy do).
 */
const SQL = `
  SELECT count() AS n,
         if(n = 0, NULL, quantileExactInclusive(0.5)(hours)) AS p50_hours,
         if(n = 0, NULL, quantileExactInclusive(0.9)(hours)) AS p90_hours,
         if(n = 0, NULL, avg(hours)) AS mean_hours,
         countIf(has_minutes) AS runs_with_minutes,
         if(runs_with_minutes = 0, NULL, avgIf(minutes, has_minutes)) AS mean_human_minutes,
         if(n = 0, NULL, avg(exception)) AS exception_rate,
         if(n = 0, NULL, toString(min(start_time))) AS window_from,
         if(n = 0, NULL, toString(max(end_time))) AS window_to,
         groupUniqArrayIf(import_id, import_id != '') AS import_ids,
         countIf(import_id = '') AS instrumented_runs
  FROM (
    SELECT r.start_time AS start_time, r.end_time AS end_time, r.import_id AS import_id,
           dateDiff('millisecond', r.start_time, r.end_time) / 3600000 AS hours,
           ifNull(r.human_minutes, 0) + ifNull(s.minutes, 0) AS minutes,
           r.human_minutes IS NOT NULL OR s.minutes > 0 AS has_minutes,
           r.outcome = 'exception' OR s.interventions > 0 AS exception
    FROM (
      SELECT run_id, start_time, end_time, outcome, human_minutes, import_id
      FROM runs FINAL
      WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND phase = 'baseline'
        AND start_time < {goLive:DateTime64(3)}
    ) AS r
    LEFT JOIN (
      SELECT run_id, sum(human_minutes) AS minutes, sum(intervention) AS interventions
      FROM steps FINAL
      WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND phase = 'baseline'
      GROUP BY run_id
    ) AS s ON s.run_id = r.run_id
  )`;

export const measuredRow = z.object({
  n: z.coerce.number(),
  p50_hours: z.number().nullable(),
  p90_hours: z.number().nullable(),
  mean_hours: z.number().nullable(),
  runs_with_minutes: z.coerce.number(),
  mean_human_minutes: z.number().nullable(),
  exception_rate: z.number().nullable(),
  window_from: z.string().nullable(),
  window_to: z.string().nullable(),
  import_ids: z.array(z.string()),
  instrumented_runs: z.coerce.number(),
});
export type MeasuredBaseline = z.infer<typeof measuredRow>;

export async function measuredBaseline(db: Db, tenantId: string, workflow: string, goLive: Date): Promise<MeasuredBaseline> {
  const rows = await db.query(SQL, { tenant: tenantId, workflow, goLive }, measuredRow);
  const row = rows[0];
  if (!row) throw new Error("The baseline query returned no row");
  return row;
}
