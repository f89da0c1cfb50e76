import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { EXCEPTION_ITEMS } from "./exception-items";
import { settleRunFacts } from "./run-facts";
import { SCOPE_SQL } from "./scope";

/**
 * Exception items, their state, and SLA age (docs/metrics.md, "Open exception" and "SLA age"). This is
 * the one definition the queue, compliance, the evidence pack and the alerts read; none of them decides
 * "open" or "past SLA" on its own.
 *
 * - An **exception item** is a live run whose latest delivery has outcome `exception`, or any of whose
 *   steps is an intervention, kept per run by the settlement (`exception-items.ts`, where the rule and
 *   its opening time are written).
 * - Its **state** folds the append-only `exception_actions` up to `as_of`: resolved when the latest
 *   resolve-or-reopen is a resolve (so a reopen makes it open again), else assigned, acknowledged or new.
 *   **Open** means not resolved.
 * - Its **SLA age** runs from opening to its resolution when resolved, else to `as_of`; it is past SLA
 *   when the workflow has an exception SLA and the age exceeds it. A resolved item keeps the age it had
 *   when it was resolved, so it reads "breached" only if it was resolved late.
 *
 * Parameters: the scope (`SCOPE_SQL`), the opening window `{ex_from:DateTime64(3)}` (inclusive) to
 * `{ex_to:DateTime64(3)}` (exclusive), and `{as_of:DateTime64(3)}`. Settle the tenant's run facts
 * first (`settleItems`), so that the items include every write made before the read.
 */
export function exceptionItemsSql(): string {
  // `ex_run` narrows to one run (a run's page) through the tables' keys; '' reads every run.
  const oneRun = `({ex_run:String} = '' OR run_id = {ex_run:String})`;
  const actions = `
    SELECT workflow, run_id,
           argMaxIf(toString(action), (at, action_id), action IN ('resolve', 'reopen')) = 'resolve' AS resolved,
           maxIf(at, action = 'resolve') AS last_resolve,
           argMaxIf(assignee, (at, action_id), action = 'assign') AS assignee, countIf(action = 'acknowledge') AS acks,
           argMaxIf(note, (at, action_id), note != '') AS last_note, count() AS actions
    FROM exception_actions WHERE ${SCOPE_SQL} AND at <= {as_of:DateTime64(3)} AND ${oneRun}
    GROUP BY workflow, run_id`;
  const sla = `SELECT workflow, argMax(exception_sla_minutes, updated_at) AS sla FROM workflows
    WHERE ${SCOPE_SQL} GROUP BY workflow`;
  return `
    SELECT workflow, run_id, reason, opened_at, resolved_at, sla_minutes, state, assignee, last_note, actions,
           greatest(0, dateDiff('millisecond', opened_at, ifNull(resolved_at, {as_of:DateTime64(3)}))) / 60000 AS age_minutes,
           state != 'resolved' AS is_open,
           sla_minutes > 0 AND age_minutes > sla_minutes AS is_past_sla
    FROM (
      SELECT e.workflow AS workflow, e.run_id AS run_id, e.reason AS reason, e.opened_at AS opened_at,
             ifNull(s.sla, 0) AS sla_minutes,
             if(ifNull(a.resolved, 0) = 1, a.last_resolve, NULL) AS resolved_at,
             multiIf(ifNull(a.resolved, 0) = 1, 'resolved', ifNull(a.assignee, '') != '', 'assigned', ifNull(a.acks, 0) > 0, 'acknowledged', 'new') AS state,
             ifNull(a.assignee, '') AS assignee, ifNull(a.last_note, '') AS last_note, ifNull(a.actions, 0) AS actions
      FROM ${EXCEPTION_ITEMS} AS e
      GLOBAL LEFT JOIN (${actions}) AS a ON a.workflow = e.workflow AND a.run_id = e.run_id
      LEFT JOIN (${sla}) AS s ON s.workflow = e.workflow
    )`;
}

export interface ExceptionWindow {
  params: { tenant: string; all_wf: 0 | 1; wfs: string[] };
  from: Date;
  to: Date;
  asOf: Date;
  /** One run's item only (a run's page); every run's when absent. */
  runId?: string;
}

/** Brings the window's tenant's items up to every write made before the call (run-facts.ts). */
export const settleItems = (db: Db, w: ExceptionWindow): Promise<void> => settleRunFacts(db, w.params.tenant);

/** The bound parameters of `exceptionItemsSql`. */
export function exceptionItemsParams(w: ExceptionWindow) {
  return { ...w.params, ex_from: w.from, ex_to: w.to, as_of: w.asOf, ex_run: w.runId ?? "" };
}

const counts = z.object({ wf: z.string(), open: z.coerce.number(), past_sla: z.coerce.number(), oldest_past_sla_minutes: z.number().nullable() });
export type OpenExceptionCounts = z.output<typeof counts>;

/**
 * Open items and open items past SLA as of `asOf`: per workflow, or pooled into one row (wf `*`, present
 * even when there is no item).
 */
export async function openExceptionCounts(db: Db, w: ExceptionWindow, by: "workflow" | "pooled"): Promise<OpenExceptionCounts[]> {
  await settleItems(db, w);
  const select = `countIf(is_open) AS open, countIf(is_open AND is_past_sla) AS past_sla, maxOrNullIf(age_minutes, is_open AND is_past_sla) AS oldest_past_sla_minutes
     FROM (${exceptionItemsSql()})`;
  const sql = by === "pooled" ? `SELECT '*' AS wf, ${select}` : `SELECT workflow AS wf, ${select} GROUP BY workflow ORDER BY workflow`;
  return db.query(sql, exceptionItemsParams(w), counts);
}

export const itemTime = z.string().transform((s) => fromClickHouseTime(s).toISOString());
