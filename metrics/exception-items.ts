import { SCOPE_SQL } from "./scope";

/**
 * Exception items kept per run (`exception_items`, migration 0255; docs/metrics.md, "Open exception").
 * `open-exception.ts` reads them for the queue, compliance, the evidence pack and the alerts;
 * `run-facts.ts` writes them in the same settlement as the run facts, for the live runs it marks.
 *
 * - A live run is an **item** when its latest delivery has outcome `exception`, or one of its steps is
 *   an intervention, each step at its latest delivery (as the run facts' `exception`). A run still in
 *   flight (steps, no run record yet) is one too: an intervention needs a person whether or not the
 *   run has finished.
 * - It is **opened** at its earliest flag: the run's end when its outcome is an exception, an
 *   intervention step's end.
 * - Its **reason** is the outcome's exception reason, else the earliest intervention's with one.
 *
 * A derivation writes a row per item of its runs, stamped `{until}`; a run of them that was an item
 * and is no longer one then gets a row with `present = 0`. The latest row of a run stands.
 */

const COLUMNS = "tenant_id, workflow, run_id, opened_at, reason, present, derived_at";

/** The live runs marked since the last settlement (`run-facts.ts`'s `{since}` to `{until}`). */
const MARKED_LIVE = `SELECT workflow, run_id FROM run_facts_dirty
  WHERE tenant_id = {tenant:String} AND phase = 'live' AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}`;

const ofKeys = (whole: boolean) => (whole ? "1" : `(workflow, run_id) GLOBAL IN (${MARKED_LIVE})`);

/**
 * Derives the items of the marked live runs, or of every live run when `whole`. A marked run's steps
 * are all on the days the settlement recounts (`{days:Array(Date)}`, step-days.ts's `RECOUNT_SQL`:
 * every day a marked run's steps have a delivery on), so only those days' steps are read.
 */
export function deriveExceptionItemsSql(whole: boolean): string {
  const days = whole ? "1" : `toDate(start_time) IN {days:Array(Date)} AND run_id GLOBAL IN (SELECT run_id FROM (${MARKED_LIVE}))`;
  const liveSteps = `steps WHERE tenant_id = {tenant:String} AND phase = 'live' AND ${days} AND ${ofKeys(whole)}`;
  // Each step at its latest delivery, of the steps that were an intervention in any delivery.
  const interventions = `
    SELECT workflow, run_id, argMax(end_time, ingested_at) AS at, argMax(toString(intervention_reason), ingested_at) AS reason
    FROM ${liveSteps} AND (run_id, span_id) GLOBAL IN (SELECT run_id, span_id FROM ${liveSteps} AND intervention = 1)
    GROUP BY workflow, run_id, span_id HAVING argMax(intervention, ingested_at) = 1`;
  return `
    INSERT INTO exception_items (${COLUMNS})
    SELECT {tenant:String}, workflow, run_id, min(at), argMin(reason, (reason = '', source, at)), 1, {until:DateTime64(6)} FROM (
      SELECT workflow, run_id, argMax(end_time, ingested_at) AS at, argMax(toString(exception_reason), ingested_at) AS reason, 0 AS source
      FROM runs WHERE tenant_id = {tenant:String} AND phase = 'live' AND ${ofKeys(whole)}
      GROUP BY workflow, run_id HAVING argMax(outcome, ingested_at) = 'exception'
      UNION ALL
      SELECT workflow, run_id, at, reason, 1 FROM (${interventions})
    )
    GROUP BY workflow, run_id
    SETTINGS distributed_foreground_insert = 1`;
}

/** After `deriveExceptionItemsSql`: the derived runs' items it did not write again are no longer items. */
export function retireExceptionItemsSql(whole: boolean): string {
  return `
    INSERT INTO exception_items (${COLUMNS})
    SELECT tenant_id, workflow, run_id, opened_at, reason, 0, {until:DateTime64(6)}
    FROM exception_items FINAL
    WHERE tenant_id = {tenant:String} AND present = 1 AND derived_at < {until:DateTime64(6)} AND ${ofKeys(whole)}
    SETTINGS distributed_foreground_insert = 1`;
}

/**
 * The items opened in a window, for `FROM`: the scope (`SCOPE_SQL`), `{ex_from:DateTime64(3)}`
 * (inclusive) to `{ex_to:DateTime64(3)}` (exclusive), opened by `{as_of:DateTime64(3)}`, and one run
 * when `{ex_run:String}` is not ''. Settle the run facts first (`settleRunFacts`).
 */
export const EXCEPTION_ITEMS = `(SELECT workflow, run_id, opened_at, toString(reason) AS reason FROM exception_items FINAL
  WHERE ${SCOPE_SQL} AND present = 1 AND opened_at >= {ex_from:DateTime64(3)} AND opened_at < {ex_to:DateTime64(3)}
    AND opened_at <= {as_of:DateTime64(3)} AND ({ex_run:String} = '' OR run_id = {ex_run:String}))`;
