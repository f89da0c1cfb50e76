import { latestStepsSql, onRecountedDays, recounted } from "./step-days";

/**
 * AI token usage kept by day (`ai_usage_days`, migration 0252): per workflow, UTC day and model, the
 * input and output tokens of the live AI steps, each step once with its latest delivery's fields and on
 * the day that delivery gives it (docs/metrics.md, "Labor hours and ROI"). `metrics/ai-usage.ts` reads
 * it; `run-facts.ts` writes it in the same settlement as the run facts.
 *
 * A settlement recounts the live days of the triples it recounts (`RECOUNT_SQL`, step-days.ts), from
 * every step with a delivery on such a day, each taken at its latest delivery wherever that falls, so a
 * step resent onto another day leaves the first one. Models a day no longer has get a row of zeros;
 * the latest derivation of a row stands. `whole` recounts every day of the tenant.
 * `{until:DateTime64(6)}` stamps the rows.
 */
export function deriveAiUsageSql(whole: boolean): string {
  const latest = latestStepsSql(`phase = 'live' AND ${onRecountedDays(whole)}`, {
    model: "if(response_model != '', response_model, request_model)",
    actor: "actor",
    in: "input_tokens",
    out: "output_tokens",
  });
  return `
    INSERT INTO ai_usage_days (tenant_id, workflow, day, model, input_tokens, output_tokens, derived_at)
    SELECT {tenant:String}, workflow, day, model, sum(i), sum(o), {until:DateTime64(6)} FROM (
      SELECT workflow, v_day AS day, v_model AS model, toUInt64(v_in) AS i, toUInt64(v_out) AS o FROM (${latest})
      WHERE v_actor = 'ai' AND ${recounted(whole, "'live'", "workflow", "v_day")}
      UNION ALL
      SELECT workflow, day, model, toUInt64(0), toUInt64(0) FROM ai_usage_days
      WHERE tenant_id = {tenant:String} AND ${recounted(whole, "'live'", "workflow", "day")}
    )
    GROUP BY workflow, day, model
    SETTINGS distributed_foreground_insert = 1, max_bytes_before_external_group_by = 268435456`;
}
