import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/**
 * Builds baseline runs and steps from one import's staged events inside the engine, so Node never
 * holds a case in memory. A run is a case: start = first event, end = last event (DESIGN.md §3.1).
 * Ids are deterministic (workflow + case id), and each INSERT carries a token derived from the
 * import, so publishing the same file again collapses into the same rows instead of adding new ones.
 */

const RUN_ID = "concat('imp-', lower(hex(cityHash64({workflow:String}, case_id))))";

/**
 * Identical rows count once: an export that repeats a row describes one event. Grouping starts with the
 * staging table's sort key, so the engine aggregates in key order and holds one case at a time.
 */
const DEDUPED = `
  SELECT case_id, activity, time, end_time, lifecycle, resource, role, actor, human_minutes, outcome, min(line) AS line
  FROM baseline_staging
  WHERE tenant_id = {tenant:String} AND import_id = {staging:String}
  GROUP BY tenant_id, import_id, case_id, time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome`;

/** The same identity as DEDUPED, for counting each distinct event's minutes once within a case. */
const EVENT_KEY = "(time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome)";

// Old exports can span years of monthly partitions; the default cap of 100 per INSERT would reject them.
// Grouping and sorting a large import spill to disk past ~100 MB, and inserted blocks (which the rollup
// views aggregate one at a time) stay at 64k rows instead of the default million, so memory stays
// bounded in the embedded engine too (it shares the Node process's memory); one thread, because each
// thread holds its own aggregation state (measured: 1M events peak 0.96–1.15 GB with two, 0.86 GB with one).
const INSERT_SETTINGS = `SETTINGS insert_deduplication_token = {token:String}, max_partitions_per_insert_block = 0,
  deduplicate_blocks_in_dependent_materialized_views = 1,
  max_bytes_before_external_group_by = 100000000, max_bytes_before_external_sort = 100000000,
  max_bytes_in_join = 100000000, join_overflow_mode = 'throw', join_algorithm = 'auto',
  optimize_aggregation_in_order = 1,
  min_insert_block_size_rows = 65536, min_insert_block_size_bytes = 16777216, max_block_size = 65536, max_threads = 1`;

const RUNS = `
  INSERT INTO runs (tenant_id, workflow, run_id, phase, start_time, end_time, outcome, human_minutes, origin, import_id, attributes)
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID}, 'baseline', min(time), max(greatest(time, ifNull(end_time, time))),
         if(countIf(outcome != '') = 0, 'completed', anyIf(outcome, outcome != '')),
         -- Run-level minutes only from case lists: an event log's minutes are on its steps, and the two
         -- add up (docs/conventions.md), so copying them onto the run would count them twice.
         if(countIf(lifecycle = 'case' AND human_minutes IS NOT NULL) = 0, NULL,
            arraySum(e -> ifNull(e.8, 0), groupUniqArrayIf(${EVENT_KEY}, lifecycle = 'case'))),
         'import', {importId:String}, map('case.id', case_id)
  FROM baseline_staging
  WHERE tenant_id = {tenant:String} AND import_id = {staging:String}
  GROUP BY tenant_id, import_id, case_id
  ORDER BY case_id
  ${INSERT_SETTINGS}`;

/**
 * Steps pair the k-th `start` of an activity in a case with its k-th `complete` (first in, first out);
 * an unpaired complete is an instant step, an unpaired start a step that never finished. Case lists
 * have no steps.
 */
const STEPS = `
  INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time, human_minutes,
                     resource, origin, import_id, attributes)
  WITH ev AS (
    SELECT *, row_number() OVER (PARTITION BY case_id, activity, lifecycle ORDER BY time, line) AS k
    FROM (${DEDUPED})
    WHERE lifecycle IN ('start', 'complete')
  )
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID.replace("case_id", "cid")},
         lower(hex(cityHash64({workflow:String}, cid, name, k_, start_, end_))),
         name, actor_, 'baseline', start_, end_, human_minutes_, resource_, 'import', {importId:String},
         if(role_ = '', map(), map('org.role', role_))
  FROM (
    SELECT if(c.line = 0, s.case_id, c.case_id) AS cid,
           if(c.line = 0, s.activity, c.activity) AS name,
           if(c.line = 0, s.k, c.k) AS k_,
           if(s.line = 0, c.time, s.time) AS start_,
           if(c.line = 0, s.time, greatest(c.time, if(s.line = 0, c.time, s.time))) AS end_,
           ifNull(coalesce(c.human_minutes, s.human_minutes), 0) AS human_minutes_,
           if(c.line = 0 OR (c.resource = '' AND s.line != 0), s.resource, c.resource) AS resource_,
           if(c.line = 0 OR (c.resource = '' AND s.line != 0), s.actor, c.actor) AS actor_,
           if(c.line = 0 OR (c.role = '' AND s.line != 0), s.role, c.role) AS role_
    FROM (SELECT * FROM ev WHERE lifecycle = 'complete') AS c
    FULL OUTER JOIN (SELECT * FROM ev WHERE lifecycle = 'start') AS s
      ON c.case_id = s.case_id AND c.activity = s.activity AND c.k = s.k
  )
  ORDER BY cid, start_, name, k_
  ${INSERT_SETTINGS}`;

/**
 * The common case, a log with completions only (receipt.xes, most exports): every event is an instant
 * step, no pairing, so no window function or join holds the whole import in memory.
 */
const INSTANT_STEPS = `
  INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time, human_minutes,
                     resource, origin, import_id, attributes)
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID},
         lower(hex(cityHash64({workflow:String}, case_id, activity, time, resource, ifNull(toString(human_minutes), '')))),
         activity, actor, 'baseline', time, time, ifNull(human_minutes, 0), resource, 'import', {importId:String},
         if(role = '', map(), map('org.role', role))
  FROM (${DEDUPED})
  WHERE lifecycle = 'complete'
  ORDER BY case_id, time, activity
  ${INSERT_SETTINGS}`;

const statsRow = z.object({
  runs: z.coerce.number(),
  events: z.coerce.number(),
  starts: z.coerce.number(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
});

const duplicatesRow = z.object({ extra: z.coerce.number(), lines: z.array(z.coerce.number()) });

export interface StagedKeys {
  tenant: string;
  workflow: string;
  staging: string;
  importId: string;
}

/** Rows repeated verbatim in the file: how many extra copies, and the first of their line numbers. */
export async function stagedDuplicates(db: Db, k: StagedKeys): Promise<{ extra: number; lines: number[] }> {
  const rows = await db.query(
    `SELECT toUInt64(sum(n - 1)) AS extra, arraySlice(arraySort(arrayFlatten(groupArray(10)(dups))), 1, 10) AS lines
     FROM (
       SELECT count() AS n, arraySlice(arraySort(groupArray(line)), 2, 10) AS dups
       FROM baseline_staging
       WHERE tenant_id = {tenant:String} AND import_id = {staging:String}
       GROUP BY tenant_id, import_id, case_id, time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome
       HAVING n > 1
     )
     SETTINGS optimize_aggregation_in_order = 1`,
    { tenant: k.tenant, staging: k.staging },
    duplicatesRow,
  );
  return rows[0] ?? { extra: 0, lines: [] };
}

/** Cases, distinct events and the period the staged file covers. */
export async function stagedStats(db: Db, k: StagedKeys): Promise<z.infer<typeof statsRow>> {
  const rows = await db.query(
    `SELECT uniqExact(case_id) AS runs, count() AS events, countIf(lifecycle = 'start') AS starts,
            if(count() = 0, NULL, toString(min(time))) AS period_from,
            if(count() = 0, NULL, toString(max(greatest(time, ifNull(end_time, time))))) AS period_to
     FROM (${DEDUPED})
     SETTINGS optimize_aggregation_in_order = 1`,
    { tenant: k.tenant, staging: k.staging },
    statsRow,
  );
  return rows[0] ?? { runs: 0, events: 0, starts: 0, period_from: null, period_to: null };
}

/**
 * Copies the staged import into steps, then runs (runs last: a run's presence means its steps are in).
 * `pairs` says whether the file has `start` events to pair with completions.
 */
export async function publishStaged(db: Db, k: StagedKeys, pairs: boolean): Promise<void> {
  const params = { tenant: k.tenant, workflow: k.workflow, staging: k.staging, importId: k.importId };
  await db.command(pairs ? STEPS : INSTANT_STEPS, { ...params, token: `${k.importId}:steps` });
  await db.command(RUNS, { ...params, token: `${k.importId}:runs` });
}
