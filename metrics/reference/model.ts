import type { RunRow, StepRow } from "@/ingest/rows";
import { DAY_MS, SCHEDULE, type World, startOfUtcDay } from "./world";

/**
 * The store as docs/metrics.md defines it, over raw rows in delivery (ingested_at) order: no SQL, no
 * rollups, nothing from the engine. It is written from the definitions alone so that a disagreement
 * with the engine is a finding, not a shared mistake.
 */

/** A run's figures as the definitions derive them ("Run", "Exception run", "Straight-through run"). */
export interface RunFacts {
  workflow: string;
  runId: string;
  start: number;
  end: number;
  cycleSeconds: number;
  /** 1 exception, 0 not, null unknown. */
  exception: 0 | 1 | null;
  straightThrough: 0 | 1 | null;
  humanMinutes: number | null;
}

/** A lock version: the runs it froze, as they were when it was taken. */
export interface Frozen {
  version: number;
  runs: RunFacts[];
}

export interface ModelStore {
  /** Latest delivery of each run, keyed by its identity (workflow, phase, run_id). */
  runs: Map<string, RunRow>;
  /** Latest delivery of each step, keyed by (workflow, phase, run_id, span_id). */
  steps: Map<string, StepRow>;
  /** The latest lock version of each workflow: the one every comparison cites. */
  locks: Map<string, Frozen>;
}

const ms = (t: RunRow["start_time"]): number => (typeof t === "number" ? t : t.getTime());
const runKey = (r: { workflow?: string; phase: string; run_id: string }) => `${r.workflow ?? ""}\u0000${r.phase}\u0000${r.run_id}`;

/**
 * Replays a world's deliveries in order. A table sent with a token that table has already taken is
 * dropped whole (ClickHouse insert deduplication, which the ingest path relies on for retries);
 * anything else lands, and a later delivery of a run or step replaces its fields.
 */
export function replay(world: World): ModelStore {
  const store: ModelStore = { runs: new Map(), steps: new Map(), locks: new Map() };
  const seen = new Set<string>();
  const send = (slot: number, token: boolean, tables: ("runs" | "steps")[]) => {
    for (const table of tables) {
      const key = `${slot}:${table}`;
      if (token && seen.has(key)) continue;
      if (token) seen.add(key);
      const s = world.slots[slot]!;
      if (table === "runs") for (const r of s.runs) store.runs.set(runKey(r), r);
      else for (const st of s.steps) store.steps.set(`${runKey(st)}\u0000${st.span_id}`, st);
    }
  };
  SCHEDULE.forEach((entry, i) => {
    if (entry.partial) send(entry.slot, entry.token, [entry.partial]);
    send(entry.slot, entry.token, ["runs", "steps"]);
    for (const lock of world.locks.filter((l) => l.after === i)) {
      store.locks.set(lock.workflow, { version: lock.version, runs: sideFacts(store, "baseline", -Infinity, startOfUtcDay(lock.goLive.getTime()), [lock.workflow]) });
    }
  });
  return store;
}

const dayOf = (t: number) => startOfUtcDay(t);

/**
 * The finished runs of one phase that started on a UTC day in [fromDay, toDay), in `workflows` (null:
 * all), each once with its latest delivery's fields. A run's steps are those stamped from the day before
 * it started through the day after it ended ("Its steps are those …").
 */
export function sideFacts(store: ModelStore, phase: "baseline" | "live", fromDay: number, toDay: number, workflows: string[] | null): RunFacts[] {
  return sideRuns(store, phase, fromDay, toDay, workflows).map(({ run, steps }) => facts(run, steps));
}

/** The runs of `sideFacts`, each with its steps (latest deliveries, within its bounds). */
export function sideRuns(store: ModelStore, phase: "baseline" | "live", fromDay: number, toDay: number, workflows: string[] | null): { run: RunRow; steps: StepRow[] }[] {
  const runs = [...store.runs.values()].filter(
    (r) => r.phase === phase && (workflows === null || workflows.includes(r.workflow)) && dayOf(ms(r.start_time)) >= fromDay && dayOf(ms(r.start_time)) < toDay,
  );
  const stepsOf = new Map<string, StepRow[]>();
  for (const s of store.steps.values()) {
    if (s.phase !== phase) continue;
    const k = runKey(s);
    const list = stepsOf.get(k);
    if (list) list.push(s);
    else stepsOf.set(k, [s]);
  }
  return runs.map((r) => {
    const lo = dayOf(ms(r.start_time)) - DAY_MS;
    const hi = dayOf(ms(r.end_time)) + DAY_MS;
    return { run: r, steps: (stepsOf.get(runKey(r)) ?? []).filter((s) => dayOf(ms(s.start_time)) >= lo && dayOf(ms(s.start_time)) <= hi) };
  });
}

function facts(r: RunRow, steps: StepRow[]): RunFacts {
  const intervened = steps.some((s) => s.intervention === 1);
  const stepMinutes = steps.reduce((a, s) => a + (s.human_minutes ?? 0), 0);
  const recordsMinutes = (r.human_minutes ?? null) !== null || steps.some((s) => (s.human_minutes ?? 0) > 0);
  const touched = intervened || (r.human_minutes ?? 0) > 0 || steps.some((s) => s.actor === "human" || (s.human_minutes ?? 0) > 0);
  const unknownActor = steps.some((s) => (s.actor ?? "unknown") === "unknown");
  const start = ms(r.start_time);
  const end = ms(r.end_time);
  return {
    workflow: r.workflow,
    runId: r.run_id,
    start,
    end,
    cycleSeconds: (end - start) / 1000,
    exception: r.outcome === "exception" || intervened ? 1 : r.outcome === "unknown" ? null : 0,
    straightThrough: touched ? 0 : unknownActor ? null : 1,
    humanMinutes: recordsMinutes ? (r.human_minutes ?? 0) + stepMinutes : null,
  };
}

/** Type-7 quantile of ascending values: x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋+1 − x⌊h⌋), h = p(n − 1). */
export function quantile7(sorted: readonly number[], p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

/** Rounded for display as the dashboard shows figures (half away from zero at `digits` decimals). */
export const roundTo = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** MIN_RUNS of docs/metrics.md, "Comparison and comparability". */
export const MIN_RUNS = 30;

/** Why a workflow is not comparable in a window (null: it is); measured locks only in generated worlds. */
export function whyNot(lock: Frozen | undefined, liveRuns: number): string | null {
  if (!lock) return "not-locked";
  if (lock.runs.length < MIN_RUNS) return "baseline-too-small";
  if (liveRuns < MIN_RUNS) return "live-too-small";
  return null;
}

export const groupBy = (runs: RunFacts[]): Map<string, RunFacts[]> => {
  const out = new Map<string, RunFacts[]>();
  for (const r of runs) {
    const list = out.get(r.workflow);
    if (list) list.push(r);
    else out.set(r.workflow, [r]);
  }
  return out;
};
