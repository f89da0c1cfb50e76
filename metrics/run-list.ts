import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { type RunFilter, runFilter } from "./run-filter";
import { type RunPhase, runSetParams, runSetSql } from "./run-set";
import { settleRunFacts } from "./run-facts";
import { addDays, scopeOf } from "./scope";
import { stepSetParams, stepSetSql } from "./step-set";

/**
 * The runs explorer (docs/metrics.md, "Run list and drill-down"): the runs a `RunFilter` selects, each
 * counted once with its latest delivery's fields, newest first, a page at a time. Runs come from
 * `run-set.ts` exactly as the metrics read them, so `exception` and `reason` select the runs the
 * exception rate counts; step-level filters select runs that have a matching step, each step once
 * (`step-set.ts`).
 */

/** The position after which (older) or before which (newer) a page starts: the last or first row's key. */
const cursorKey = z.object({
  dir: z.enum(["older", "newer"]),
  start: z.number().int(),
  workflow: z.string().max(200),
  run: z.string().max(200),
  phase: z.enum(["baseline", "live", "manual"]),
});
export type CursorKey = z.output<typeof cursorKey>;

export const encodeCursor = (k: CursorKey): string => Buffer.from(JSON.stringify(k)).toString("base64url");

/** An opaque page cursor: base64url JSON, refused with a readable message when it is not one of ours. */
export const runCursor = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    } catch {
      raw = undefined;
    }
    const parsed = cursorKey.safeParse(raw);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "This page link is not valid: go back to the first page." });
    return z.NEVER;
  });

export const runListInput = runFilter
  .extend({ cursor: runCursor.optional(), limit: z.number().int().min(1).max(200).default(50) })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "The first day is after the last", path: ["from"] });
export type RunListInput = z.input<typeof runListInput>;

const time = z.string().transform((s) => fromClickHouseTime(s).toISOString());
/** A run's own fields and flags as `run-set.ts` gives them (the run list and the run page read these). */
export const runFlagsRow = z.object({
  cycle_seconds: z.number(),
  outcome: z.string(),
  reason: z.string(),
  exception: z.number().nullable(),
  straight_through: z.number().nullable(),
  human_minutes: z.number().nullable(),
});
const listRow = runFlagsRow.extend({
  workflow: z.string(),
  run_id: z.string(),
  phase: z.enum(["baseline", "live", "manual"]),
  start_time: time,
  end_time: time,
});
export type RunListItem = z.output<typeof listRow>;

export interface RunPage {
  runs: RunListItem[];
  /** Older runs follow; null on the last page. */
  next: string | null;
  /** Newer runs precede; null on the first page. */
  prev: string | null;
  /** Every run the filter selects, on all pages. */
  total: number;
  window: { from: string; to: string };
}

const STEP_FILTERS = ["model", "promptVersion", "actor", "classification", "step"] as const;
interface Subqueries {
  steps: boolean;
  rework: boolean;
}

/** Runs with a step that matches every step-level filter at once, each step its latest delivery. */
const STEP_MATCH_SQL = `(workflow, run_id) GLOBAL IN (
    SELECT workflow, run_id FROM (${stepSetSql(["prompt_version", "actor", "data_classification", "step"])})
    WHERE ({f_model:String} = '' OR model = {f_model:String})
      AND ({f_prompt:String} = '' OR prompt_version = {f_prompt:String})
      AND ({f_actor:String} = '' OR toString(actor) = {f_actor:String})
      AND ({f_class:String} = '' OR data_classification = {f_class:String})
      AND ({f_step:String} = '' OR step = {f_step:String}))`;

// The runs the filter selects. Output names differ from the run set's columns: an alias equal to a
// column name would be resolved in WHERE.
const MATCH_SQL = ({ steps, rework }: Subqueries) => `
  SELECT workflow, run_id, start_time AS started, end_time AS ended, cycle_seconds, outcome, reason, exception, straight_through, human_minutes
  FROM (${runSetSql()})
  WHERE ({f_outcome:String} = '' OR outcome = {f_outcome:String})
    AND ({f_exception:Int8} = -1 OR exception = {f_exception:Int8})
    AND ({f_reason:String} = '' OR (exception = 1 AND reason = {f_reason:String}))
    AND ({f_st:Int8} = -1 OR straight_through = {f_st:Int8})
    AND ({f_wfs_all:UInt8} = 1 OR workflow IN {f_wfs:Array(String)})
    AND ${steps ? STEP_MATCH_SQL : "1"}
    AND ${rework ? "reworked = {f_rework:UInt8}" : "1"}`;

// The page and the count of every run the filter selects in one pass over the run set (the count is
// taken before the cursor narrows it): computing the run set twice made up most of the page's time.
const LIST_SQL = (q: Subqueries) => `
  SELECT workflow, run_id, {rs_phase:String} AS phase, toString(started) AS start_at, toString(ended) AS end_at,
         cycle_seconds, outcome, reason, exception, straight_through, human_minutes, total
  FROM (SELECT *, count() OVER () AS total FROM (${MATCH_SQL(q)}))
  WHERE {c_on:UInt8} = 0
     OR ({c_older:UInt8} = 1 AND (started, workflow, run_id, {rs_phase:String}) < ({c_start:DateTime64(3)}, {c_wf:String}, {c_run:String}, {c_phase:String}))
     OR ({c_older:UInt8} = 0 AND (started, workflow, run_id, {rs_phase:String}) > ({c_start:DateTime64(3)}, {c_wf:String}, {c_run:String}, {c_phase:String}))
  ORDER BY started {dir}, workflow {dir}, run_id {dir}
  LIMIT {limit:UInt32}`;

const COUNT_SQL = (q: Subqueries) => `SELECT count() AS n FROM (${MATCH_SQL(q)})`;
const countRow = z.object({ n: z.coerce.number() });

const sqlRow = listRow.omit({ start_time: true, end_time: true }).extend({ start_at: time, end_at: time, total: z.coerce.number() });

type Key = Pick<RunListItem, "start_time" | "workflow" | "run_id" | "phase">;
const keyOf = (r: Key): [number, string, string, string] => [Date.parse(r.start_time), r.workflow, r.run_id, r.phase];
/** Newest first: descending on (start, workflow, run id, phase), as the SQL orders. */
function newestFirst(a: Key, b: Key): number {
  const [x, y] = [keyOf(a), keyOf(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? 1 : -1;
  return 0;
}
const cursorOf = (r: RunListItem, dir: CursorKey["dir"]): string =>
  encodeCursor({ dir, start: Date.parse(r.start_time), workflow: r.workflow, run: r.run_id, phase: r.phase });

export interface RunListScope {
  tenantId: string;
  /** The caller's information barrier: null = every workflow. */
  workflows: string[] | null;
  /** Default now: the window defaults to the 30 days up to it, as every view's does. */
  asOf?: Date;
}

/** One phase's page of candidates (up to `limit`, in the cursor's direction). */
async function phasePage(db: Db, who: RunListScope, f: RunFilter, phase: RunPhase, cursor: CursorKey | undefined, limit: number) {
  const day = (d: string | undefined) => (d ? new Date(`${d}T00:00:00Z`) : undefined);
  const scope = scopeOf({ tenantId: who.tenantId, workflows: who.workflows, workflow: f.workflow, from: day(f.from), to: day(f.to), asOf: who.asOf });
  // Subqueries over steps only when a filter needs them: they read the window's steps again.
  const q: Subqueries = { steps: STEP_FILTERS.some((k) => f[k] !== undefined), rework: f.rework !== undefined };
  const params = {
    ...scope.params,
    ...runSetParams(phase, scope.from, scope.to),
    // A step may start the day before its run or after the window (run-derive.ts bounds a run's steps so).
    ...stepSetParams(phase, addDays(scope.from, -1), addDays(scope.to, 1)),
    f_outcome: f.outcome ?? "",
    f_exception: f.exception === undefined ? -1 : f.exception ? 1 : 0,
    f_reason: f.reason ?? "",
    f_st: f.straightThrough === undefined ? -1 : f.straightThrough ? 1 : 0,
    f_wfs_all: f.workflows === undefined ? 1 : 0,
    f_wfs: f.workflows ?? [],
    f_rework: f.rework ? 1 : 0,
    f_model: f.model ?? "",
    f_prompt: f.promptVersion ?? "",
    f_actor: f.actor ?? "",
    f_class: f.classification ?? "",
    f_step: f.step ?? "",
    c_on: cursor ? 1 : 0,
    c_older: cursor?.dir === "newer" ? 0 : 1,
    c_start: new Date(cursor?.start ?? 0),
    c_wf: cursor?.workflow ?? "",
    c_run: cursor?.run ?? "",
    c_phase: cursor?.phase ?? "",
    limit,
  };
  const sql = LIST_SQL(q).replaceAll("{dir}", cursor?.dir === "newer" ? "ASC" : "DESC");
  const rows = await db.query(sql, params, sqlRow);
  // Past the last page no row carries the count: only then is it read on its own.
  const total = rows[0]?.total ?? (cursor ? ((await db.query(COUNT_SQL(q), params, countRow))[0]?.n ?? 0) : 0);
  const runs = rows.map(({ start_at, end_at, total: _, ...r }) => ({ ...r, start_time: start_at, end_time: end_at }));
  return { runs, total, window: { from: scope.from.toISOString().slice(0, 10), to: addDays(scope.to, -1).toISOString().slice(0, 10) } };
}

/**
 * A page of runs, newest first. Keyset pagination on (start time, workflow, run id, phase): a page
 * never skips or repeats a run when runs share a start time, and stays put while new runs arrive.
 */
export async function runList(db: Db, who: RunListScope, f: RunFilter, page: { cursor?: CursorKey; limit: number }): Promise<RunPage> {
  // Manual runs only when asked for: the explorer's default lists what the metrics count.
  const phases: RunPhase[] = f.phase ? [f.phase] : ["live", "baseline"];
  await settleRunFacts(db, who.tenantId);
  const parts = await Promise.all(phases.map((p) => phasePage(db, who, f, p, page.cursor, page.limit + 1)));
  const newer = page.cursor?.dir === "newer";
  // Both phases' candidates in the cursor's direction; the nearest `limit` make the page.
  const merged = parts.flatMap((p) => p.runs).sort((a, b) => (newer ? -newestFirst(a, b) : newestFirst(a, b)));
  const more = merged.length > page.limit;
  const shown = merged.slice(0, page.limit);
  const runs = newer ? shown.reverse() : shown;
  const first = runs[0];
  const last = runs[runs.length - 1];
  // Coming back from an older page, newer runs exist; going to a newer page, older ones do.
  const hasOlder = newer ? page.cursor !== undefined : more;
  const hasNewer = newer ? more : page.cursor !== undefined;
  return {
    runs,
    next: hasOlder && last ? cursorOf(last, "older") : null,
    prev: hasNewer && first ? cursorOf(first, "newer") : null,
    total: parts.reduce((a, p) => a + p.total, 0),
    window: parts[0]!.window,
  };
}
