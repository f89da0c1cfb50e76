import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { isMemoizedView } from "./memo-db";
import { deriveRunsSql } from "./run-derive";
import { deriveExceptionItemsSql, retireExceptionItemsSql } from "./exception-items";
import { deriveReviewLatencySql } from "./review-latency";
import { RECOUNT_SQL, deriveStepDaysSql, tripleKey } from "./step-days";

/**
 * Keeps `run_facts` (one row per run, its derived fields) in step with the raw tables, so that a metric
 * reads each run's row instead of re-deriving it from its spans (docs/design.md, "Run facts"); and with
 * them the step figures by day (`step-days.ts`), AI usage among them, the review latency by day
 * (`review-latency.ts`) and the exception items (`exception-items.ts`).
 *
 * Every insert into `runs` or `steps` marks the runs it touched (`run_facts_dirty`, by materialized
 * views, whatever the path); a deletion marks its runs itself (`clickhouse/run-marks.ts`). Before the run set is
 * read, `settleRunFacts` derives the runs marked since the tenant was last settled, with the run set's
 * derivation (`run-derive.ts`), and records how far it got:
 *
 * - Marks are read from `OVERLAP_MS` before the last settlement, so that an insert whose mark was
 *   stamped before the settlement but committed after it is still derived; deriving a run twice
 *   gives the same row.
 * - A tenant never settled, or not for `WHOLE_AFTER_DAYS` (marks expire after 29), is derived whole,
 *   with every run that has a row, so that one whose record is gone gets `present = 0`.
 * - Each derivation is stamped with the store's time at its start; the latest one stands.
 * - Calls for a tenant while one is under way wait for it and share the next: a caller always gets a
 *   settlement that started after it asked, so it sees its own writes.
 */

// A mark is stamped as its block is written and committed with it: seconds apart even under load. Each
// settlement derives again what was marked this long before the last one, so it is kept short.
export const OVERLAP_MS = 15_000;
const WHOLE_AFTER_DAYS = 28;
const PHASES = ["baseline", "live", "manual"] as const;

/**
 * What a settlement keeps beyond the run facts and step figures, recorded with it: 1, the exception
 * items and the review latency by day (0255). A tenant last settled with less has those derived whole
 * at its next settlement, its run facts only as marked.
 */
const DERIVES = 1;

const stateRow = z.object({ now: z.string(), through: z.string().nullable(), stale: z.coerce.number(), derives: z.coerce.number() });
const phaseRow = z.object({ phase: z.string() });

const STATE_SQL = `
  SELECT toString(now64(6)) AS now,
         toString(nullIf(t.last, toDateTime64(0, 6, 'UTC'))) AS through,
         t.last < now64(6) - toIntervalDay(${WHOLE_AFTER_DAYS}) AS stale, t.derives AS derives
  FROM (SELECT max(through) AS last, argMax(derives, through) AS derives FROM run_facts_settled
        WHERE tenant_id = {tenant:String}) AS t`;

/** The marked runs of a phase since `{since}` up to `{until}` (both the store's time). */
const MARKED = `SELECT workflow, run_id FROM run_facts_dirty
  WHERE tenant_id = {tenant:String} AND phase = {rd_phase:String}
    AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}`;

/** Every run of a phase that has a record or a row. */
const EVERY = `SELECT workflow, run_id FROM runs WHERE tenant_id = {tenant:String} AND phase = {rd_phase:String}
  UNION ALL SELECT workflow, run_id FROM run_facts WHERE tenant_id = {tenant:String} AND phase = {rd_phase:String}`;

const INSERT = (keys: string) => `
  INSERT INTO run_facts (workflow, run_id, start_time, cycle_ms, reason, exception, straight_through, human_minutes,
                         import_id, outcome, reworked, duplicated, present, tenant_id, phase, derived_at)
  SELECT *, {tenant:String}, {rd_phase:String}, {until:DateTime64(6)} FROM (${deriveRunsSql(keys)})
  SETTINGS distributed_foreground_insert = 1, max_bytes_before_external_group_by = 268435456`;

/**
 * The rows of the derived keys that this derivation left at another day (a run resent with a start on
 * another day, or gone): the table is sorted by day, so each gets a row with `present = 0` at its own
 * key, or FINAL would keep it beside the new one. A row this derivation wrote is stamped `until`.
 */
const TOMBSTONES = (keys: string) => `
  INSERT INTO run_facts (workflow, run_id, start_time, cycle_ms, reason, exception, straight_through, human_minutes,
                         import_id, outcome, reworked, duplicated, present, tenant_id, phase, derived_at)
  SELECT workflow, run_id, start_time, 0, '', NULL, NULL, NULL, '', '', 0, 0, 0, {tenant:String}, {rd_phase:String}, {until:DateTime64(6)}
  FROM run_facts FINAL
  WHERE tenant_id = {tenant:String} AND phase = {rd_phase:String} AND present = 1 AND derived_at < {until:DateTime64(6)}
    AND (workflow, run_id) GLOBAL IN (${keys})
  SETTINGS distributed_foreground_insert = 1`;

async function settleNow(db: Db, tenant: string): Promise<void> {
  const [state] = await db.query(STATE_SQL, { tenant }, stateRow);
  if (!state) return;
  const whole = state.through === null || state.stale === 1;
  const since = whole ? "1970-01-01 00:00:00" : shiftMs(state.through!, -OVERLAP_MS);
  const params = { tenant, since, until: state.now };
  const phases = whole
    ? PHASES
    : (
        await db.query(
          `SELECT DISTINCT phase FROM run_facts_dirty WHERE tenant_id = {tenant:String}
             AND marked_at > {since:DateTime64(6)} AND marked_at <= {until:DateTime64(6)}`,
          params,
          phaseRow,
        )
      ).map((r) => r.phase);
  for (const phase of phases) {
    if (!(PHASES as readonly string[]).includes(phase)) continue;
    await db.command(INSERT(whole ? EVERY : MARKED), { ...params, rd_phase: phase });
    await db.command(TOMBSTONES(whole ? EVERY : MARKED), { ...params, rd_phase: phase });
  }
  // Nothing marked, nothing to recount: a settlement with no writes stays two small reads.
  if (whole || phases.length > 0) await recountDays(db, whole, params, whole || phases.includes("live"));
  // Kept since this tenant's last settlement: derived whole once, from every raw row.
  if (!whole && state.derives < DERIVES) await deriveKept(db, true, params, true);
  await db.command(
    `INSERT INTO run_facts_settled (tenant_id, through, derives) SETTINGS distributed_foreground_insert = 1
     VALUES ({tenant:String}, {until:DateTime64(6)}, ${DERIVES})`,
    params,
  );
}

const tripleRow = z.object({ phase: z.string(), workflow: z.string(), day: z.string() });

/**
 * The step figures and review latency by day (step-days.ts, review-latency.ts): the days to recount,
 * or every day. With `items`, the exception items of the marked live runs too (exception-items.ts),
 * whose steps are all on those days.
 */
async function recountDays(db: Db, whole: boolean, params: { tenant: string; since: string; until: string }, items: boolean): Promise<void> {
  const triples = whole ? [] : await db.query(RECOUNT_SQL, params, tripleRow);
  if (!whole && triples.length === 0) return;
  const days = { ...params, triples: triples.map((t) => tripleKey(t.phase, t.workflow, t.day)), days: [...new Set(triples.map((t) => t.day))] };
  await db.command(deriveStepDaysSql(whole), days);
  await deriveKept(db, whole, days, items);
}

/**
 * The tables DERIVES 1 added: the review latency of the recounted days and, with `items`, the
 * exception items of the marked live runs; every day and run when `whole`.
 */
async function deriveKept(db: Db, whole: boolean, params: { tenant: string; since: string; until: string }, items: boolean): Promise<void> {
  await db.command(deriveReviewLatencySql(whole), params);
  if (!items) return;
  await db.command(deriveExceptionItemsSql(whole), params);
  await db.command(retireExceptionItemsSql(whole), params);
}

/** A DateTime64(6) as the store prints it, moved by `ms`. */
export function shiftMs(stamp: string, ms: number): string {
  const t = new Date(`${stamp.replace(" ", "T")}Z`);
  return new Date(t.getTime() + ms).toISOString().replace("T", " ").replace("Z", "");
}

interface Pending {
  running: Promise<void>;
  next?: Promise<void>;
}
const pending = new WeakMap<Db, Map<string, Pending>>();

/** Derives the tenant's runs written since its last settlement (see above). */
export function settleRunFacts(db: Db, tenant: string): Promise<void> {
  // A composite metric's read-only view: its creator settled before making it.
  if (isMemoizedView(db)) return Promise.resolve();
  let byTenant = pending.get(db);
  if (!byTenant) pending.set(db, (byTenant = new Map()));
  const tenants = byTenant;
  const current = tenants.get(tenant);
  const start = (): Promise<void> => {
    const running = settleNow(db, tenant).finally(() => {
      const p = tenants.get(tenant);
      if (p?.running === running && !p.next) tenants.delete(tenant);
    });
    return running;
  };
  if (!current) {
    const running = start();
    tenants.set(tenant, { running });
    return running;
  }
  if (current.next) return current.next;
  const next = current.running
    .catch(() => undefined)
    .then(() => {
      const running = start();
      tenants.set(tenant, { running });
      return running;
    });
  current.next = next;
  return next;
}
