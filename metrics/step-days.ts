import type { RunPhase } from "./run-set";
import { SCOPE_SQL } from "./scope";

/**
 * Step figures kept by day (`step_days`, migration 0253; docs/metrics.md, "Step figures"): per phase,
 * workflow, UTC day, AI or not, model, data classification, prompt version and model version, the
 * number of steps, of steps that required a review, of review steps and of reviews that corrected or
 * rejected the output, and the steps' input and output tokens. Each step counts once, with its latest
 * delivery's fields and on the day that delivery gives it (docs/metrics.md, "Run": a step is
 * (workflow, phase, run_id, span_id)). Compliance, the pilot trap's reviews, the progress chart's
 * change markers and AI cost (`ai-usage.ts`) read it; `run-facts.ts` writes it in the same settlement
 * as the run facts.
 *
 * A settlement recounts whole (phase, workflow, day) triples (`RECOUNT_SQL`), from every step with a
 * delivery on such a day, each at its latest delivery wherever that falls: a step resent onto another
 * day leaves the first. Keys a triple no longer has get a row of zeros; the latest derivation stands.
 * `model` and `classification` are kept for AI steps only: nothing reads them for a person's steps.
 */

/** Each step of tenant `{tenant:String}` (filtered by `where`) at its latest delivery: `v_<name>` per pick, and `v_day`. */
export function latestStepsSql(where: string, picks: Record<string, string>): string {
  const picked = Object.entries(picks)
    .map(([name, expr]) => `, argMax(${expr}, ingested_at) AS v_${name}`)
    .join("");
  return `
    SELECT phase, workflow, argMax(toDate(start_time), ingested_at) AS v_day${picked}
    FROM steps WHERE tenant_id = {tenant:String} AND (${where})
    GROUP BY phase, workflow, run_id, span_id`;
}

const MARKED_RUNS = `SELECT phase, workflow, run_id FROM run_facts_dirty
  WHERE tenant_id = {tenant:String} AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}`;

/**
 * The (phase, workflow, day) triples a settlement recounts (passed on as `{triples}`, keyed by
 * `tripleKey`, and their days as `{days}`): the days its marks name, and every day a step of a marked
 * run has a delivery on. The second part is what makes a step resent alone onto another day leave the
 * day it was on: no row was written on that day, so no mark names it.
 */
export const RECOUNT_SQL = `
  SELECT phase, workflow, toString(day) AS day FROM (
    SELECT phase, workflow, day FROM run_facts_dirty
    WHERE tenant_id = {tenant:String} AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}
    UNION DISTINCT
    SELECT toString(phase), workflow, toDate(start_time) FROM steps
    WHERE tenant_id = {tenant:String} AND run_id GLOBAL IN (SELECT run_id FROM (${MARKED_RUNS}))
      AND (toString(phase), workflow, run_id) GLOBAL IN (${MARKED_RUNS})
  )`;

/** A triple as `{triples}` holds it: phase, workflow and day joined by a unit separator. */
export const tripleKey = (phase: string, workflow: string, day: string) => [phase, workflow, day].join("\u001f");

/** Whether a row's (phase, workflow, day) is one to recount (`{triples:Array(String)}`); `1` for a whole derivation. */
export const recounted = (whole: boolean, phase: string, workflow: string, day: string) =>
  whole ? "1" : `concat(${phase}, '\x1f', ${workflow}, '\x1f', toString(${day})) IN {triples:Array(String)}`;

/**
 * The steps with a delivery on a recounted day (every day when `whole`): all their deliveries are
 * read, so the latest decides. Their runs first (one column, pruned by the steps' day key), then the
 * steps themselves. With `delivered`, only steps with such a delivery that matches it: a figure that
 * counts a step only when its latest delivery matches (a review) reads no other step.
 */
export function onRecountedDays(whole: boolean, delivered = ""): string {
  if (whole && !delivered) return "1";
  const days = whole ? "" : `AND toDate(start_time) IN {days:Array(Date)} AND ${recounted(false, "toString(phase)", "workflow", "toDate(start_time)")}`;
  const candidates = (cols: string) => `SELECT ${cols} FROM steps WHERE tenant_id = {tenant:String} ${days} ${delivered ? `AND ${delivered}` : ""}`;
  return `run_id GLOBAL IN (${candidates("run_id")}) AND (run_id, span_id) GLOBAL IN (${candidates("run_id, span_id")})`;
}

/**
 * Recounts the rows of the recounted triples (`RECOUNT_SQL`), or every row of the tenant when `whole`.
 * `{until:DateTime64(6)}` stamps the rows.
 */
export function deriveStepDaysSql(whole: boolean): string {
  const latest = latestStepsSql(onRecountedDays(whole), {
    ai: "actor = 'ai'",
    model: "if(response_model != '', response_model, request_model)",
    class: "data_classification",
    pv: "prompt_version",
    mv: "model_version",
    req: "review_required",
    out: "review_outcome",
    in_tokens: "input_tokens",
    out_tokens: "output_tokens",
  });
  return `
    INSERT INTO step_days (tenant_id, phase, workflow, day, ai, model, classification, prompt_version, model_version,
                           steps, review_required, reviews, corrected, input_tokens, output_tokens, derived_at)
    SELECT {tenant:String}, ph, workflow, day, ai, model, classification, pv, mv, sum(n), sum(req), sum(rev), sum(cor), sum(i), sum(o),
           {until:DateTime64(6)} FROM (
      SELECT toString(phase) AS ph, workflow, v_day AS day, toUInt8(v_ai) AS ai, if(v_ai, v_model, '') AS model, if(v_ai, v_class, '') AS classification,
             v_pv AS pv, v_mv AS mv, toUInt32(1) AS n, toUInt32(v_req = 1) AS req, toUInt32(v_out != '') AS rev,
             toUInt32(v_out IN ('corrected', 'rejected')) AS cor, toUInt64(v_in_tokens) AS i, toUInt64(v_out_tokens) AS o
      FROM (${latest}) WHERE ${recounted(whole, "toString(phase)", "workflow", "v_day")}
      UNION ALL
      SELECT toString(phase), workflow, day, ai, model, classification, prompt_version, model_version,
             toUInt32(0), toUInt32(0), toUInt32(0), toUInt32(0), toUInt64(0), toUInt64(0)
      FROM step_days WHERE tenant_id = {tenant:String} AND ${recounted(whole, "toString(phase)", "workflow", "day")}
    )
    GROUP BY ph, workflow, day, ai, model, classification, pv, mv
    SETTINGS distributed_foreground_insert = 1, max_bytes_before_external_group_by = 268435456`;
}

/**
 * The step figures of a phase in a window, for `FROM`: the scope (`SCOPE_SQL`), `{sd_phase:String}`,
 * and whole UTC days from `{sd_from:DateTime64(3)}` (inclusive) to `{sd_to:DateTime64(3)}` (exclusive).
 * Settle the run facts first (`settleRunFacts`); `runDefinition` does.
 */
export const STEP_DAYS = `step_days FINAL WHERE ${SCOPE_SQL} AND phase = {sd_phase:String}
  AND day >= toDate({sd_from:DateTime64(3)}) AND day < toDate({sd_to:DateTime64(3)})`;

export function stepDaysParams(phase: RunPhase, from: Date, to: Date) {
  return { sd_phase: phase, sd_from: from, sd_to: to };
}
