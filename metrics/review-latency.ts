import { SCOPE_SQL } from "./scope";
import { latestStepsSql, onRecountedDays, recounted } from "./step-days";

/**
 * Review latency kept by day (`review_latency_days`, migration 0255; docs/metrics.md, "Step figures"):
 * per phase, workflow, UTC day and latency in whole minutes rounded up, the number of review steps.
 * Compliance's review SLA reads it: a review is within an SLA of `m` minutes when its latency is at most
 * `m` minutes, which is exactly when its minutes rounded up are at most `m`, whatever the SLA is set to
 * later.
 *
 * - A **review step** is a step with a review outcome, counted once at its latest delivery, on that
 *   delivery's day (as every step figure).
 * - Its **latency** runs from the end of the AI output it names (`review_output_id` = the output step's
 *   `output_id`, that step at its latest delivery, started within the 30 days before the review's day;
 *   the latest-ending one if two carry the id), else from the review's own start, to its end. The
 *   outputs' deliveries are read from 30 days before the first recounted day on; one stamped earlier
 *   is not seen.
 *
 * `run-facts.ts` recounts the same (phase, workflow, day) triples as the step figures (`RECOUNT_SQL`),
 * in the same settlement; a key a day no longer has gets a row of zeros. A review naming an output of
 * another run is recounted when its own day is, not when only that output is resent.
 */

/** How far before a review its output may lie. */
const OUTPUT_DAYS = 30;

export function deriveReviewLatencySql(whole: boolean): string {
  const picks = { start: "start_time", end: "end_time", out: "review_outcome", ref: "review_output_id" };
  const reviews = `SELECT phase, workflow, v_day AS day, v_start, v_end, v_ref
    FROM (${latestStepsSql(onRecountedDays(whole, "review_outcome != ''"), picks)})
    WHERE v_out != '' AND ${recounted(whole, "toString(phase)", "workflow", "v_day")}`;
  // The AI outputs those reviews may name: steps with an output id from 30 days before the first
  // recounted day on, each at its latest delivery on those days.
  const since = whole ? "1" : `toDate(start_time) >= arrayMin({days:Array(Date)}) - ${OUTPUT_DAYS}`;
  const carrying = `${since} AND (run_id, span_id) GLOBAL IN (SELECT run_id, span_id FROM steps
    WHERE tenant_id = {tenant:String} AND ${since} AND output_id != '')`;
  const outputs = `SELECT v_oid AS output_id, max(v_end) AS o_end, argMax(v_day, v_end) AS o_day
    FROM (${latestStepsSql(carrying, { oid: "output_id", end: "end_time" })}) WHERE v_oid != '' GROUP BY v_oid`;
  return `
    INSERT INTO review_latency_days (tenant_id, phase, workflow, day, minutes, reviews, derived_at)
    SELECT {tenant:String}, ph, workflow, day, minutes, sum(n), {until:DateTime64(6)} FROM (
      SELECT toString(r.phase) AS ph, r.workflow AS workflow, r.day AS day,
             toInt32(ceil(dateDiff('millisecond',
               if(o.output_id != '' AND o.o_day >= r.day - ${OUTPUT_DAYS}, o.o_end, r.v_start), r.v_end) / 60000)) AS minutes,
             toUInt32(1) AS n
      FROM (${reviews}) AS r
      GLOBAL LEFT JOIN (${outputs}) AS o ON o.output_id = r.v_ref
      UNION ALL
      SELECT toString(phase), workflow, day, minutes, toUInt32(0) FROM review_latency_days
      WHERE tenant_id = {tenant:String} AND ${recounted(whole, "toString(phase)", "workflow", "day")}
    )
    GROUP BY ph, workflow, day, minutes
    SETTINGS distributed_foreground_insert = 1, join_use_nulls = 0`;
}

/**
 * Compliance's review SLA over a window: the reviews of workflows with a review SLA, and those within
 * it, each workflow against its current SLA. Parameters as `STEP_DAYS` (step-days.ts).
 */
export const REVIEW_SLA_SQL = `
  SELECT sumIf(l.reviews, s.sla > 0) AS with_sla, sumIf(l.reviews, s.sla > 0 AND l.minutes <= s.sla) AS within
  FROM (SELECT workflow, minutes, reviews FROM review_latency_days FINAL WHERE ${SCOPE_SQL} AND phase = {sd_phase:String}
          AND day >= toDate({sd_from:DateTime64(3)}) AND day < toDate({sd_to:DateTime64(3)})) AS l
  INNER JOIN (SELECT workflow, argMax(review_sla_minutes, updated_at) AS sla FROM workflows
              WHERE tenant_id = {tenant:String} GROUP BY workflow) AS s ON s.workflow = l.workflow`;
