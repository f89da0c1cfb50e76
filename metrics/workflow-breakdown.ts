import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { LOCKED_RUNS_SQL } from "./locked-baseline";
import { runSetParams, runSetSql } from "./run-set";
import { settleRunFacts } from "./run-facts";
import { type Scope, windowParams } from "./scope";

/**
 * The drill-down of one workflow's page, on the same definitions as its metrics (docs/metrics.md):
 * weekly cycle-time bands of the cited lock's frozen runs and of the window's finished live runs, and
 * the window's live step spans and AI steps, each span counted once (latest delivery wins).
 */
const bandRow = z.object({ week: z.string(), phase: z.enum(["baseline", "live"]), runs: z.coerce.number(), p50_hours: z.number(), p90_hours: z.number() });
const stepRow = z.object({
  step: z.string(),
  actor: z.string(),
  count: z.coerce.number(),
  mean_seconds: z.number(),
  human_minutes: z.number(),
  interventions: z.coerce.number(),
});
const modelRow = z.object({ model: z.string(), version: z.string(), prompt_version: z.string(), steps: z.coerce.number(), tokens_in: z.coerce.number(), tokens_out: z.coerce.number() });

const BANDS = (phase: "baseline" | "live", source: string) => `
  SELECT toString(toMonday(start_time)) AS week, '${phase}' AS phase, count() AS runs,
         quantileExactInclusive(0.5)(cycle_seconds) / 3600 AS p50_hours, quantileExactInclusive(0.9)(cycle_seconds) / 3600 AS p90_hours
  FROM (${source}) GROUP BY week`;

/** Each live step span of the window once, with its latest delivery's fields. */
const LIVE_STEPS = `
  SELECT span_id, argMax(step, ingested_at) AS v_step, argMax(actor, ingested_at) AS v_actor,
         argMax(toFloat64(dateDiff('millisecond', start_time, end_time)) / 1000, ingested_at) AS v_seconds,
         argMax(human_minutes, ingested_at) AS v_minutes, argMax(intervention, ingested_at) AS v_intervention,
         argMax(if(response_model != '', response_model, request_model), ingested_at) AS v_model,
         argMax(model_version, ingested_at) AS v_version, argMax(prompt_version, ingested_at) AS v_prompt,
         argMax(input_tokens, ingested_at) AS v_in, argMax(output_tokens, ingested_at) AS v_out
  FROM steps
  WHERE tenant_id = {tenant:String} AND workflow IN {wfs:Array(String)} AND phase = 'live'
    AND toDate(start_time) >= toDate({from:DateTime64(3)}) AND toDate(start_time) < toDate({to:DateTime64(3)})
  GROUP BY run_id, span_id`;

export async function workflowBreakdown(db: Db, scope: Scope) {
  const params = { ...windowParams(scope), ...runSetParams("live", scope.from, scope.to) };
  await settleRunFacts(db, scope.params.tenant);
  const [baseline, live, steps, models] = await Promise.all([
    db.query(BANDS("baseline", LOCKED_RUNS_SQL), params, bandRow),
    db.query(BANDS("live", runSetSql({ flags: false })), params, bandRow),
    db.query(
      `SELECT toString(v_step) AS step, toString(v_actor) AS actor, count() AS count, avg(v_seconds) AS mean_seconds,
              sum(v_minutes) AS human_minutes, sum(v_intervention) AS interventions
       FROM (${LIVE_STEPS}) GROUP BY step, actor ORDER BY sum(v_seconds) DESC LIMIT 50`,
      params,
      stepRow,
    ),
    db.query(
      `SELECT toString(v_model) AS model, toString(v_version) AS version, toString(v_prompt) AS prompt_version,
              count() AS steps, sum(v_in) AS tokens_in, sum(v_out) AS tokens_out
       FROM (${LIVE_STEPS}) WHERE v_actor = 'ai' GROUP BY model, version, prompt_version ORDER BY steps DESC LIMIT 50`,
      params,
      modelRow,
    ),
  ]);
  const bands = [...baseline, ...live].sort((a, b) => a.week.localeCompare(b.week) || a.phase.localeCompare(b.phase));
  return { bands, steps, models };
}
