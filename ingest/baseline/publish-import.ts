import { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";

/**
 * Builds baseline runs and steps from one import's staged events inside the engine, so Node never
 * holds a case in memory. A run is a case: start = first event, end = last event (DESIGN.md §3.1).
 * Ids are deterministic (workflow + case id), and each INSERT carries a token derived from the
 * import, so publishing the same file again collapses into the same rows instead of adding new ones.
 *
 * Every query works on one bucket of cases at a time, so the engine's memory depends on the bucket,
 * not on the file: a single INSERT over a whole 1M-event import grew its aggregation state by ~300 MB.
 */

/**
 * Events per bucket. Measured publishing 1M staged 5-event cases (store at 360–430 MB RSS before):
 * peak RSS 424–441 MB with 50k-event buckets, 445–451 MB with 100k, 456–498 MB with 150k, 505–521 MB
 * with 250k, 569–614 MB in one bucket; the CPU time was the same (15–17 s) from 50k to 250k.
 */
export const BUCKET_EVENTS = 100_000;

/**
 * A bucket is a range of case ids, `after < case_id <= upto` (open where undefined). Case id follows
 * the tenant and import in the staging table's sort key (migration 0020), so the engine reads only
 * the bucket's granules, and a case never straddles two buckets.
 */
export interface CaseRange {
  after?: string;
  upto?: string;
}

export interface CaseBuckets {
  /** The size the ranges were cut for; part of every insert token, so a retry cut differently never collides. */
  size: number;
  ranges: CaseRange[];
}

const STAGED = "FROM baseline_staging WHERE tenant_id = {tenant:String} AND import_id = {staging:String}";

function staged(r: CaseRange): string {
  return `${STAGED}${r.after === undefined ? "" : " AND case_id > {after:String}"}${r.upto === undefined ? "" : " AND case_id <= {upto:String}"}`;
}

function bounds(r: CaseRange): Params {
  return { ...(r.after === undefined ? {} : { after: r.after }), ...(r.upto === undefined ? {} : { upto: r.upto }) };
}

const RUN_ID = "concat('imp-', lower(hex(cityHash64({workflow:String}, case_id))))";

/**
 * Identical rows count once: an export that repeats a row describes one event. Grouping starts with the
 * staging table's sort key, so the engine aggregates in key order and holds one case at a time.
 */
const deduped = (r: CaseRange) => `
  SELECT case_id, activity, time, end_time, lifecycle, resource, role, actor, human_minutes, outcome, min(line) AS line
  ${staged(r)}
  GROUP BY tenant_id, import_id, case_id, time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome`;

/** The same identity as `deduped`, for counting each distinct event's minutes once within a case. */
const EVENT_KEY = "(time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome)";

// Old exports can span years of monthly partitions; the default cap of 100 per INSERT would reject them.
// Grouping and sorting spill to disk past ~100 MB (only a single case far larger than a bucket gets there),
// and inserted blocks (which the rollup views aggregate one at a time) stay at 64k rows instead of the
// default million, so memory stays bounded in the embedded engine too (it shares the Node process's
// memory); one thread, because each thread holds its own aggregation state (measured before buckets:
// 1M events peak 0.96–1.15 GB with two, 0.86 GB with one).
const INSERT_SETTINGS = `SETTINGS insert_deduplication_token = {token:String}, max_partitions_per_insert_block = 0,
  deduplicate_blocks_in_dependent_materialized_views = 1,
  max_bytes_before_external_group_by = 100000000, max_bytes_before_external_sort = 100000000,
  max_bytes_in_join = 100000000, join_overflow_mode = 'throw', join_algorithm = 'auto',
  optimize_aggregation_in_order = 1,
  min_insert_block_size_rows = 65536, min_insert_block_size_bytes = 16777216, max_block_size = 65536, max_threads = 1`;

const runs = (r: CaseRange) => `
  INSERT INTO runs (tenant_id, workflow, run_id, phase, start_time, end_time, outcome, human_minutes, origin, import_id, attributes)
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID}, 'baseline', min(time), max(greatest(time, ifNull(end_time, time))),
         -- The last outcome the case's rows state; a case whose rows state none is unknown, not completed
         -- (an export without an outcome column cannot tell an exception from a clean run).
         if(countIf(outcome NOT IN ('', 'unknown')) = 0, 'unknown', argMaxIf(outcome, (time, line), outcome NOT IN ('', 'unknown'))),
         -- Run-level minutes only from case lists: an event log's minutes are on its steps, and the two
         -- add up (docs/conventions.md), so copying them onto the run would count them twice.
         if(countIf(lifecycle = 'case' AND human_minutes IS NOT NULL) = 0, NULL,
            arraySum(e -> ifNull(e.8, 0), groupUniqArrayIf(${EVENT_KEY}, lifecycle = 'case'))),
         'import', {importId:String}, map('case.id', case_id)
  ${staged(r)}
  GROUP BY tenant_id, import_id, case_id
  ORDER BY case_id
  ${INSERT_SETTINGS}`;

/**
 * A step's span id comes from what the step is (case, activity, start, end, resource, minutes), never
 * from the file or the import, so the same events imported from another file (the log as .xes.gz and
 * as .xes, or as CSV and as XES) are the same steps, whichever way the file is cut into steps.
 */
const spanId = (cid: string, name: string, start: string, end: string, resource: string, minutes: string) =>
  `lower(hex(cityHash64({workflow:String}, ${cid}, ${name}, ${start}, ${end}, ${resource}, ifNull(toString(${minutes}), ''))))`;

/**
 * Steps pair the k-th `start` of an activity in a case with its k-th `complete` (first in, first out);
 * an unpaired complete is an instant step, an unpaired start a step that never finished. Events with
 * another lifecycle value are instant steps when their activity has no start in the case (statuses
 * such as BPIC 2013's); where it has starts they only mark time inside a started step (schedule,
 * suspend, resume). Case lists have no steps.
 */
const steps = (r: CaseRange) => `
  INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time, human_minutes,
                     resource, origin, import_id, attributes)
  WITH ev AS (
    SELECT *, row_number() OVER (PARTITION BY case_id, activity, lifecycle ORDER BY time, line) AS k
    FROM (${deduped(r)})
    WHERE lifecycle IN ('start', 'complete')
  )
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID.replace("case_id", "cid")},
         ${spanId("cid", "name", "start_", "end_", "resource_", "minutes_")},
         name, actor_, 'baseline', start_, end_, ifNull(minutes_, 0), resource_, 'import', {importId:String},
         if(role_ = '', map(), map('org.role', role_))
  FROM (
    SELECT if(c.line = 0, s.case_id, c.case_id) AS cid,
           if(c.line = 0, s.activity, c.activity) AS name,
           if(s.line = 0, c.time, s.time) AS start_,
           if(c.line = 0, s.time, greatest(c.time, if(s.line = 0, c.time, s.time))) AS end_,
           coalesce(c.human_minutes, s.human_minutes) AS minutes_,
           if(c.line = 0 OR (c.resource = '' AND s.line != 0), s.resource, c.resource) AS resource_,
           if(c.line = 0 OR (c.resource = '' AND s.line != 0), s.actor, c.actor) AS actor_,
           if(c.line = 0 OR (c.role = '' AND s.line != 0), s.role, c.role) AS role_
    FROM (SELECT * FROM ev WHERE lifecycle = 'complete') AS c
    GLOBAL FULL OUTER JOIN (SELECT * FROM ev WHERE lifecycle = 'start') AS s
      ON c.case_id = s.case_id AND c.activity = s.activity AND c.k = s.k
    UNION ALL
    SELECT case_id, activity, time, time, human_minutes, resource, actor, role
    FROM (${deduped(r)})
    WHERE lifecycle = 'other' AND (case_id, activity) GLOBAL NOT IN (SELECT case_id, activity ${staged(r)} AND lifecycle = 'start')
  )
  ORDER BY cid, start_, name
  ${INSERT_SETTINGS}`;

/**
 * The common case, a log without starts (receipt.xes, most exports): every event is an instant step,
 * no pairing, so no window function or join holds the whole import in memory.
 */
const instantSteps = (r: CaseRange) => `
  INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time, human_minutes,
                     resource, origin, import_id, attributes)
  SELECT {tenant:String}, {workflow:String}, ${RUN_ID},
         ${spanId("case_id", "activity", "time", "time", "resource", "human_minutes")},
         activity, actor, 'baseline', time, time, ifNull(human_minutes, 0), resource, 'import', {importId:String},
         if(role = '', map(), map('org.role', role))
  FROM (${deduped(r)})
  WHERE lifecycle IN ('complete', 'other')
  ORDER BY case_id, time, activity
  ${INSERT_SETTINGS}`;

const caseRow = z.object({ case_id: z.string() });

/**
 * Cuts the staged import into ranges of about `size` events: each range ends with the case of its
 * `size`-th event. Each cut reads that many case ids in key order from where the last one ended, so
 * cutting the whole import reads its case ids once. The same staged file always cuts the same way.
 */
export async function caseBuckets(db: Db, k: StagedKeys, size: number = BUCKET_EVENTS): Promise<CaseBuckets> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`A bucket holds at least one event, not ${size}`);
  const ranges: CaseRange[] = [];
  let after: string | undefined;
  for (;;) {
    const from: CaseRange = after === undefined ? {} : { after };
    const [cut] = await db.query(
      `SELECT case_id ${staged(from)} ORDER BY case_id LIMIT 1 OFFSET {skip:UInt64}`,
      { tenant: k.tenant, staging: k.staging, ...bounds(from), skip: size - 1 },
      caseRow,
    );
    if (!cut) return { size, ranges: [...ranges, from] };
    ranges.push({ ...from, upto: cut.case_id });
    after = cut.case_id;
  }
}

const statsRow = z.object({
  runs: z.coerce.number(),
  events: z.coerce.number(),
  starts: z.coerce.number(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
  extra: z.coerce.number(),
  lines: z.array(z.coerce.number()),
});

export interface StagedKeys {
  tenant: string;
  workflow: string;
  staging: string;
  importId: string;
  /** Base of the insert tokens: the import id, plus the import it replaces (import-identity.ts). */
  publishKey: string;
}

export interface StagedStats {
  /** Cases, i.e. runs to be. */
  runs: number;
  /** Distinct events: identical rows count once. */
  events: number;
  /** `start` events, which steps pair with completions. */
  starts: number;
  /** The period the file covers (ClickHouse time strings), null when nothing was staged. */
  periodFrom: string | null;
  periodTo: string | null;
  /** Rows repeated verbatim in the file: how many extra copies, and the first of their line numbers. */
  duplicates: { extra: number; lines: number[] };
}

const KEEP_LINES = 10;

/**
 * Counts one bucket at a time and adds the buckets up in Node: buckets hold disjoint cases, so the
 * sums are exact. Duplicates are grouped on the same identity as `deduped`. A bucket's hash table is
 * bounded by the bucket, and hashing is ~3× faster here than aggregating in key order (measured:
 * 1M staged events 1.9 s instead of 5 s of CPU).
 */
export async function stagedStats(db: Db, k: StagedKeys, buckets: CaseBuckets): Promise<StagedStats> {
  const total: StagedStats = { runs: 0, events: 0, starts: 0, periodFrom: null, periodTo: null, duplicates: { extra: 0, lines: [] } };
  for (const r of buckets.ranges) {
    const [row] = await db.query(
      `SELECT uniqExact(case_id) AS runs, count() AS events, countIf(lifecycle = 'start') AS starts,
              if(count() = 0, NULL, toString(min(time))) AS period_from,
              if(count() = 0, NULL, toString(max(greatest(time, ifNull(end_time, time))))) AS period_to,
              toUInt64(sum(copies - 1)) AS extra,
              arraySlice(arraySort(arrayFlatten(groupArrayIf(${KEEP_LINES})(repeats, copies > 1))), 1, ${KEEP_LINES}) AS lines
       FROM (
         SELECT case_id, lifecycle, time, end_time, count() AS copies,
                arraySlice(arraySort(groupArray(line)), 2, ${KEEP_LINES}) AS repeats
         ${staged(r)}
         GROUP BY tenant_id, import_id, case_id, time, activity, end_time, lifecycle, resource, role, actor, human_minutes, outcome
       )
       SETTINGS optimize_aggregation_in_order = 0`,
      { tenant: k.tenant, staging: k.staging, ...bounds(r) },
      statsRow,
    );
    if (!row || row.events === 0) continue;
    total.runs += row.runs;
    total.events += row.events;
    total.starts += row.starts;
    // ClickHouse time strings (`2024-01-31 09:00:00.000`) order as the times they name.
    if (row.period_from && (total.periodFrom === null || row.period_from < total.periodFrom)) total.periodFrom = row.period_from;
    if (row.period_to && (total.periodTo === null || row.period_to > total.periodTo)) total.periodTo = row.period_to;
    total.duplicates.extra += row.extra;
    total.duplicates.lines = [...total.duplicates.lines, ...row.lines].sort((a, b) => a - b).slice(0, KEEP_LINES);
  }
  return total;
}

/**
 * Copies the staged import into steps, bucket by bucket, then runs (runs last: a run's presence means
 * its steps, and those of every other run of the import, are in). Each bucket's INSERT has its own
 * token, so a publish retried after a crash skips the buckets that made it and adds the rest.
 * `pairs` says whether the file has `start` events to pair with completions.
 */
export async function publishStaged(db: Db, k: StagedKeys, buckets: CaseBuckets, pairs: boolean): Promise<void> {
  const params = { tenant: k.tenant, workflow: k.workflow, staging: k.staging, importId: k.importId };
  const of = (b: number) => `${b + 1}/${buckets.ranges.length}@${buckets.size}`;
  for (const [b, r] of buckets.ranges.entries()) {
    await db.command(pairs ? steps(r) : instantSteps(r), { ...params, ...bounds(r), token: `${k.publishKey}:steps:${of(b)}` });
  }
  for (const [b, r] of buckets.ranges.entries()) {
    await db.command(runs(r), { ...params, ...bounds(r), token: `${k.publishKey}:runs:${of(b)}` });
  }
}
