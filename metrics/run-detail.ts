import { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { exceptionItemsParams, exceptionItemsSql, itemTime } from "./open-exception";
import { runFlagsRow } from "./run-list";
import { type RunPhase, runSetParams, runSetSql } from "./run-set";
import { settleRunFacts } from "./run-facts";
import { SCOPE_SQL, addDays, scopeOf, startOfUtcDay } from "./scope";
import { stepSetParams, stepSetSql } from "./step-set";

/**
 * One run as the run page shows it (docs/metrics.md, "Run list and drill-down"): its own fields and
 * flags as every metric reads them (`run-set.ts`: latest delivery, exception and straight-through as
 * defined), its steps each once (`step-set.ts`), and its exception item (`open-exception.ts`). A run of
 * a workflow outside the caller's scope is not found, like an unknown one.
 */

const time = z.string().transform((s) => fromClickHouseTime(s).toISOString());

const locateRow = z.object({ workflow: z.string(), phase: z.enum(["baseline", "live", "manual"]), start_at: time, end_at: time, finished: z.coerce.number() });

// Where the run is: its workflow, phase and time span, from its run record or (in flight) its steps.
const LOCATE_SQL = `
  SELECT workflow, phase, toString(argMax(s_at, has_run)) AS start_at, toString(argMax(e_at, has_run)) AS end_at, max(has_run) AS finished FROM (
    SELECT workflow, toString(phase) AS phase, argMax(start_time, ingested_at) AS s_at, argMax(end_time, ingested_at) AS e_at, 1 AS has_run
    FROM runs WHERE ${SCOPE_SQL} AND run_id = {run:String} GROUP BY workflow, phase
    UNION ALL
    SELECT workflow, toString(phase) AS phase, min(start_time) AS s_at, max(end_time) AS e_at, 0 AS has_run
    FROM steps WHERE ${SCOPE_SQL} AND run_id = {run:String} GROUP BY workflow, phase
  ) WHERE ({phase:String} = '' OR phase = {phase:String})
  GROUP BY workflow, phase ORDER BY max(has_run) DESC, phase = 'live' DESC, workflow LIMIT 1`;

const runRow = runFlagsRow.extend({ start_at: time, end_at: time, import_id: z.string() });

const RUN_SQL = `
  SELECT toString(start_time) AS start_at, toString(end_time) AS end_at, cycle_seconds, outcome, reason, exception,
         straight_through, human_minutes, import_id
  FROM (${runSetSql()}) WHERE workflow = {workflow:String} AND run_id = {run:String}`;

const STEP_COLUMNS = [
  "step", "actor", "status", "start_time", "end_time", "human_minutes", "intervention", "intervention_reason", "data_classification",
  "model_version", "prompt_version", "input_tokens", "output_tokens", "output_id", "confidence", "review_required", "review_outcome",
  "review_output_id", "resource",
];

const stepRow = z.object({
  span_id: z.string(),
  step: z.string(),
  actor: z.string(),
  status: z.string(),
  start_at: time,
  end_at: time,
  model: z.string(),
  model_version: z.string(),
  prompt_version: z.string(),
  input_tokens: z.coerce.number(),
  output_tokens: z.coerce.number(),
  human_minutes: z.number(),
  intervention: z.coerce.number(),
  intervention_reason: z.string(),
  data_classification: z.string(),
  output_id: z.string(),
  confidence: z.number().nullable(),
  review_required: z.coerce.number(),
  review_outcome: z.string(),
  review_output_id: z.string(),
  resource: z.string(),
});

const STEPS_SQL = `
  SELECT span_id, toString(step) AS step, toString(actor) AS actor, toString(status) AS status, toString(start_time) AS start_at,
         toString(end_time) AS end_at, model, toString(model_version) AS model_version, toString(prompt_version) AS prompt_version,
         input_tokens, output_tokens, human_minutes, intervention, toString(intervention_reason) AS intervention_reason,
         toString(data_classification) AS data_classification, output_id, confidence, review_required,
         toString(review_outcome) AS review_outcome, review_output_id, resource
  FROM (${stepSetSql(STEP_COLUMNS, "run_id = {run:String}")})
  WHERE workflow = {workflow:String}
  ORDER BY start_time, end_time, span_id`;

const itemRow = z.object({ reason: z.string(), opened_at: itemTime, resolved_at: itemTime.nullable(), state: z.string(), assignee: z.string(), sla_minutes: z.coerce.number(), age_minutes: z.number(), is_past_sla: z.coerce.number() });

const ITEM_SQL = `
  SELECT reason, toString(opened_at) AS opened_at, if(resolved_at IS NULL, NULL, toString(resolved_at)) AS resolved_at, state, assignee,
         sla_minutes, age_minutes, is_past_sla
  FROM (${exceptionItemsSql()}) WHERE workflow = {workflow:String} AND run_id = {run:String}`;

const historyRow = z.object({ action: z.string(), actor_email: z.string(), assignee: z.string(), note: z.string(), at: itemTime });

// The queue's actions on this run, of this workflow only: a run id another workflow also uses must not
// show that workflow's actions (it may be behind the caller's barrier).
const HISTORY_SQL = `
  SELECT toString(action) AS action, actor_email, assignee, note, toString(at) AS at FROM exception_actions
  WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND run_id = {run:String} ORDER BY at, action_id`;

export type RunStep = z.output<typeof stepRow> & { offset_seconds: number; duration_seconds: number };

export interface RunDetail {
  workflow: string;
  run_id: string;
  phase: RunPhase;
  /** The run record has arrived; without it the run is in flight and counts in no metric. */
  finished: boolean;
  run: z.output<typeof runRow> | null;
  /** Each step once, in start order, placed on the run's timeline. */
  steps: RunStep[];
  /** AI outputs, each with the review steps that name it. */
  outputs: { step: RunStep; reviews: RunStep[] }[];
  interventions: RunStep[];
  exception: z.output<typeof itemRow> | null;
  /** Every queue action on the exception, oldest first. */
  history: z.output<typeof historyRow>[];
  classifications: string[];
}

export interface RunRef {
  tenantId: string;
  /** The caller's information barrier: null = every workflow. */
  workflows: string[] | null;
  runId: string;
  workflow?: string;
  phase?: RunPhase;
  asOf?: Date;
}

/** The run's place on the timeline: the run record's span, else its steps'. */
function onTimeline(steps: z.output<typeof stepRow>[], origin: number): RunStep[] {
  return steps.map((s) => {
    const start = Date.parse(s.start_at);
    return { ...s, offset_seconds: (start - origin) / 1000, duration_seconds: (Date.parse(s.end_at) - start) / 1000 };
  });
}

/**
 * How the reads that depend on the spans alone (where the run is, its record, its steps) may be shared
 * between requests, under a name that says what was read; by default each is read every time. The
 * exception item and its history are always read: the item's age runs to `asOf`.
 */
export type Remember = <T>(name: string, read: () => Promise<T>) => Promise<T>;
const readEachTime: Remember = (_name, read) => read();

/** One run, or undefined when it is unknown or outside the caller's scope. */
export async function runDetail(db: Db, ref: RunRef, remember: Remember = readEachTime): Promise<RunDetail | undefined> {
  const asOf = ref.asOf ?? new Date();
  await settleRunFacts(db, ref.tenantId);
  const scope = scopeOf({ tenantId: ref.tenantId, workflows: ref.workflows, workflow: ref.workflow, asOf });
  const spansOnly = <S extends z.ZodType>(what: string, sql: string, params: Params, row: S) =>
    remember(`${what}|${JSON.stringify(params)}`, () => db.query(sql, params, row));
  const [where] = await spansOnly("locate", LOCATE_SQL, { ...scope.params, run: ref.runId, phase: ref.phase ?? "" }, locateRow);
  if (!where) return undefined;
  const one = scopeOf({ tenantId: ref.tenantId, workflows: ref.workflows, workflow: where.workflow, asOf });
  const first = startOfUtcDay(new Date(where.start_at));
  const last = addDays(startOfUtcDay(new Date(where.end_at)), 1);
  const params = { ...one.params, workflow: where.workflow, run: ref.runId };
  const [runs, rawSteps, items, history] = await Promise.all([
    spansOnly("run", RUN_SQL, { ...params, ...runSetParams(where.phase, first, addDays(first, 1)) }, runRow),
    spansOnly("steps", STEPS_SQL, { ...params, ...stepSetParams(where.phase, addDays(first, -1), addDays(last, 1)) }, stepRow),
    where.phase === "live"
      ? db.query(ITEM_SQL, { ...params, ...exceptionItemsParams({ params: one.params, from: addDays(first, -1), to: addDays(last, 1), asOf, runId: ref.runId }) }, itemRow)
      : Promise.resolve([]),
    where.phase === "live" ? db.query(HISTORY_SQL, params, historyRow) : Promise.resolve([]),
  ]);
  const run = runs[0] ?? null;
  const steps = onTimeline(rawSteps, Date.parse(run?.start_at ?? where.start_at));
  const outputs = steps
    .filter((s) => s.output_id !== "")
    .map((s) => ({ step: s, reviews: steps.filter((r) => r.review_outcome !== "" && r.review_output_id === s.output_id) }));
  return {
    workflow: where.workflow,
    run_id: ref.runId,
    phase: where.phase,
    finished: where.finished === 1,
    run,
    steps,
    outputs,
    interventions: steps.filter((s) => s.intervention === 1),
    exception: items[0] ?? null,
    history,
    classifications: [...new Set(steps.map((s) => s.data_classification).filter((c) => c !== ""))].sort(),
  };
}
