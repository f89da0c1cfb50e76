import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { MIN_RUNS, type MetricInput } from "./define-metric";
import { LOCKED_RUNS_SQL, SIDE_FIGURES, type SideFigures, lockedBaselineFigures, sideFiguresRow } from "./locked-baseline";
import { runSetParams, runSetSql } from "./run-set";
import { type Scope, windowParams } from "./scope";
import { type BaselineLock, baselineLocks } from "./workflow-settings";

/**
 * Baseline against live (docs/metrics.md, "Comparison" and "Comparability"). The baseline side is
 * always the runs frozen by the workflow's latest lock version (or, for a declared baseline, the time
 * study's figures in the lock); the live side is the window's finished live runs, each counted once.
 *
 * A workflow is comparable when it has a lock, the lock stands on at least MIN_RUNS runs (or is a
 * declared time study), and it has at least MIN_RUNS live runs in the window. A firm-wide comparison
 * takes only comparable workflows, and lists the ones it left out with the reason.
 */
export interface ComparisonSides {
  locks: Map<string, BaselineLock>;
  /** Frozen runs of each workflow's latest lock version (measured locks only). */
  baseline: Map<string, SideFigures>;
  /** Finished live runs in the window, per workflow. */
  live: Map<string, SideFigures>;
}

export interface Excluded {
  workflow: string;
  reason: string;
}

export interface Comparability {
  included: string[];
  excluded: Excluded[];
}

/** Why a workflow cannot be compared, or null when it can. */
export function notComparable(lock: BaselineLock | undefined, baselineRuns: number, liveRuns: number): string | null {
  if (!lock) return "baseline not locked";
  if (lock.method === "measured" && baselineRuns < MIN_RUNS) return `locked baseline has ${baselineRuns} runs; needs ${MIN_RUNS}`;
  if (liveRuns < MIN_RUNS) return `${liveRuns} live runs in the window; needs ${MIN_RUNS}`;
  return null;
}

export function comparability(sides: ComparisonSides, workflows: string[]): Comparability {
  const included: string[] = [];
  const excluded: Excluded[] = [];
  for (const wf of workflows) {
    const why = notComparable(sides.locks.get(wf), sides.baseline.get(wf)?.n ?? 0, sides.live.get(wf)?.n ?? 0);
    if (why) excluded.push({ workflow: wf, reason: why });
    else included.push(wf);
  }
  return { included, excluded };
}

/**
 * The live side's runs and cycle times: finished live runs started in the window, per workflow. The
 * flags are not read here (exception rate reads its own side with them).
 */
export async function liveFigures(db: Db, scope: Scope): Promise<Map<string, SideFigures>> {
  const rows = await db.query(SIDE_FIGURES(runSetSql({ flags: false })), { ...scope.params, ...runSetParams("live", scope.from, scope.to) }, sideFiguresRow);
  return new Map(rows.map((r) => [r.wf, r]));
}

/**
 * Both sides' runs and cycle times pooled over the included workflows, for display beside a firm-wide
 * comparison. Pooling one workflow gives its own figures, which `sides` already holds.
 */
export async function pooledSides(db: Db, scope: Scope, included: string[], sides: ComparisonSides): Promise<{ baseline?: SideFigures; live?: SideFigures }> {
  if (included.length === 0) return {};
  if (included.length === 1) return { baseline: sides.baseline.get(included[0]!), live: sides.live.get(included[0]!) };
  const params = { ...scope.params, all_wf: 0, wfs: included, ...runSetParams("live", scope.from, scope.to) };
  const [baseline, live] = await Promise.all([
    db.query(SIDE_FIGURES(LOCKED_RUNS_SQL, "pooled"), params, sideFiguresRow),
    db.query(SIDE_FIGURES(runSetSql({ flags: false }), "pooled"), params, sideFiguresRow),
  ]);
  return { baseline: baseline[0], live: live[0] };
}

/** Both sides of every workflow in scope; `locks` when the caller has read them already. */
export async function loadSides(db: Db, scope: Scope, locks?: Map<string, BaselineLock>): Promise<ComparisonSides> {
  const [l, baseline, live] = await Promise.all([locks ?? baselineLocks(db, scope.params), lockedBaselineFigures(db, scope.params), liveFigures(db, scope)]);
  return { locks: l, baseline, live };
}

/**
 * The workflows a comparison may take before its sides are read: the one asked for, else the locked
 * ones (a comparison needs a lock). A reader starts its own reads for them beside the sides, and keeps
 * them when comparability then takes exactly these (`sameWorkflows`), as it mostly does.
 */
export function likelyIncluded(locks: Map<string, BaselineLock>, input: MetricInput): string[] {
  return input.workflow !== undefined ? [input.workflow] : [...locks.keys()].sort();
}

export const sameWorkflows = (a: string[], b: string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/** Every workflow the sides mention, sorted: the candidates of a comparison. */
export function workflowsOf(sides: ComparisonSides, input: MetricInput): string[] {
  if (input.workflow !== undefined) return [input.workflow];
  return [...new Set([...sides.locks.keys(), ...sides.live.keys()])].sort();
}

const sampleRow = z.object({ workflow: z.string(), s: z.number() });
export type SampleRow = z.output<typeof sampleRow>;

/** Runs per side and workflow kept for the bootstrap and rank test: the smallest hashes of the run id. */
export const SAMPLE_PER_SIDE = 2000;

/** Deterministic per-workflow samples of cycle seconds from both sides, for the included workflows. */
export async function cycleSamples(db: Db, scope: Scope, included: string[]): Promise<{ baseline: SampleRow[]; live: SampleRow[] }> {
  if (included.length === 0) return { baseline: [], live: [] };
  const params = { ...windowParams(scope), all_wf: 0, wfs: included, ...runSetParams("live", scope.from, scope.to) };
  const pick = (source: string) =>
    `SELECT workflow, cycle_seconds AS s FROM (${source}) ORDER BY workflow, cityHash64(run_id), run_id LIMIT ${SAMPLE_PER_SIDE} BY workflow`;
  const [baseline, live] = await Promise.all([db.query(pick(LOCKED_RUNS_SQL), params, sampleRow), db.query(pick(runSetSql({ flags: false })), params, sampleRow)]);
  return { baseline, live };
}
