import { latestStepsSql, onDays } from "./step-days";

/**
 * AI token usage kept by day (`ai_usage_days`, migration 0252): per workflow, UTC day and model, the
 * input and output tokens of the live AI steps, each step once with its latest delivery's fields and on
 * the day that delivery gives it (docs/metrics.md, "Labor hours and ROI"). `metrics/ai-usage.ts` reads
 * it; `run-facts.ts` writes it in the same settlement as the run facts.
 *
 * A settlement recounts the (workflow, day) pairs its marks name (each mark carries the day of the rows
 * it stands for). A pair is recounted from every step that has a delivery on that day, each taken at
 * its latest delivery wherever that falls, so a step resent onto another day leaves the first one.
 * Models a pair no longer has get a row of zeros; the latest derivation of a row stands.
 *
 * `pairs` is a query giving (workflow, day) pairs of tenant `{tenant:String}`; `{until:DateTime64(6)}`
 * stamps the rows.
 */
export function deriveAiUsageSql(pairs: string): string {
  const latest = latestStepsSql(`phase = 'live' AND ${onDays(`SELECT 'live', workflow, day FROM (${pairs})`)}`, {
    model: "if(response_model != '', response_model, request_model)",
    actor: "actor",
    in: "input_tokens",
    out: "output_tokens",
  });
  return `
    INSERT INTO ai_usage_days (tenant_id, workflow, day, model, input_tokens, output_tokens, derived_at)
    SELECT {tenant:String}, workflow, day, model, sum(i), sum(o), {until:DateTime64(6)} FROM (
      SELECT workflow, v_day AS day, v_model AS model, toUInt64(v_in) AS i, toUInt64(v_out) AS o FROM (${latest})
      WHERE v_actor = 'ai' AND (workflow, v_day) GLOBAL IN (${pairs})
      UNION ALL
      SELECT workflow, day, model, toUInt64(0), toUInt64(0) FROM ai_usage_days
      WHERE tenant_id = {tenant:String} AND (workflow, day) GLOBAL IN (${pairs})
    )
    GROUP BY workflow, day, model
    SETTINGS distributed_foreground_insert = 1, max_bytes_before_external_group_by = 268435456`;
}

/** The live (workflow, day) pairs marked since `{since}` up to `{until}`. */
export const MARKED_DAYS = `SELECT DISTINCT workflow, day FROM run_facts_dirty
  WHERE tenant_id = {tenant:String} AND phase = 'live' AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}`;

/** Every live (workflow, day) pair the tenant's steps or counted usage have. */
export const EVERY_DAY = `SELECT DISTINCT workflow, toDate(start_time) AS day FROM steps WHERE tenant_id = {tenant:String} AND phase = 'live'
  UNION DISTINCT SELECT workflow, day FROM ai_usage_days WHERE tenant_id = {tenant:String}`;
