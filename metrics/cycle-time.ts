import type { Db } from "@/clickhouse/client";
import { defineMetric, round, type Grain, type MetricResultBase } from "./define-metric";
import {
  type Comparability,
  type ComparisonSides,
  type SampleRow,
  comparability,
  cycleSamples,
  likelyIncluded,
  loadSides,
  pooledSides,
  sameWorkflows,
  workflowsOf,
} from "./comparison";
import { SIDE_FIGURES, type SideFigures, sideFiguresRow } from "./locked-baseline";
import { type RunPhase, runSetParams, runSetSql } from "./run-set";
import { type Scope, windowParams } from "./scope";
import { bootstrapCompression, mannWhitney, roundP } from "./stats";
import { GRAIN_SQL, seriesRow } from "./phase-window";
import { type BaselineLock, baselineLocks } from "./workflow-settings";

export interface PhaseSummary {
  n: number;
  p50_hours: number | null;
  p90_hours: number | null;
  mean_hours: number | null;
}

export interface WorkflowCompression {
  workflow: string;
  baseline_version: number;
  live_runs: number;
  compression: number;
  interval: [number, number] | null;
}

export interface CycleTimeResult extends MetricResultBase {
  key: "cycle-time";
  baseline: PhaseSummary;
  live: PhaseSummary;
  /**
   * 1 − p50(live)/p50(locked baseline) for one workflow; firm-wide, the comparable workflows' own
   * compressions weighted by their live runs in the window (so it lies between them).
   */
  compression: number | null;
  interval: [number, number] | null;
  p_value: number | null;
  mann_whitney_u: number | null;
  /** The workflows the comparison took, with their own figures, and those it left out and why. */
  workflows: WorkflowCompression[];
  excluded: Comparability["excluded"];
  series: { bucket: string; n: number; p50_hours: number | null }[];
}

interface Data {
  sides: ComparisonSides;
  candidates: string[];
  /** Set when a side is looked at alone (`input.phase`): that side's runs in the window, no lock. */
  alone: SideFigures | null;
  pooled: { baseline?: SideFigures; live?: SideFigures };
  samples: { baseline: SampleRow[]; live: SampleRow[] };
  series: CycleSeries;
}

const EMPTY: PhaseSummary = { n: 0, p50_hours: null, p90_hours: null, mean_hours: null };

export function summarize(f: SideFigures | undefined): PhaseSummary {
  if (!f || f.n === 0) return EMPTY;
  return { n: f.n, p50_hours: round((f.q[0] ?? 0) / 3600, 6), p90_hours: round((f.q[1] ?? 0) / 3600, 6), mean_hours: round(f.cycle_seconds_sum / f.n / 3600, 6) };
}

/** A declared (time-study) baseline has figures but no runs. */
const declaredSummary = (lock: BaselineLock): PhaseSummary => ({ n: lock.n, p50_hours: lock.p50_hours, p90_hours: lock.p90_hours, mean_hours: lock.mean_hours });

/** The series of live p50 per bucket, over the given workflows' finished runs. */
const SERIES_SQL = `
  SELECT toString(${GRAIN_SQL}) AS bucket, count() AS n, quantileExactInclusive(0.5)(cycle_seconds) AS v
  FROM (SELECT toDate(start_time) AS day, cycle_seconds FROM (${runSetSql({ flags: false })}))
  GROUP BY bucket ORDER BY bucket`;

export type CycleSeries = CycleTimeResult["series"];

/**
 * The chart's series: p50 per bucket (`grain`) of a phase's finished runs in the scope's window, over
 * `wfs` (the scope's workflows when absent). The metric's own series, and milestones' weekly trend.
 */
export async function cycleSeries(db: Db, scope: Scope, phase: RunPhase, grain: Grain, wfs?: string[]): Promise<CycleSeries> {
  const params = { ...windowParams(scope), ...(wfs ? { all_wf: 0, wfs } : {}), ...runSetParams(phase, scope.from, scope.to), grain };
  const rows = await db.query(SERIES_SQL, params, seriesRow);
  return rows.map((r) => ({ bucket: r.bucket, n: r.n, p50_hours: r.n ? round(r.v / 3600, 6) : null }));
}

export const cycleTime = defineMetric<"cycle-time", Data, CycleTimeResult>({
  key: "cycle-time",
  title: "Cycle time",
  unit: "hours",
  direction: "down",
  async load(db, { input, scope }) {
    const grain = input.grain ?? "week";
    const none = { locks: new Map(), baseline: new Map(), live: new Map() };
    if (input.phase) {
      const params = { ...windowParams(scope), ...runSetParams(input.phase, scope.from, scope.to) };
      const [series, alone] = await Promise.all([
        cycleSeries(db, scope, input.phase, grain),
        db.query(SIDE_FIGURES(runSetSql({ flags: false }), "pooled"), params, sideFiguresRow).then((rows) => rows[0] ?? null),
      ]);
      return { sides: none, candidates: [], alone, pooled: {}, samples: { baseline: [], live: [] }, series };
    }
    const lean = input.figuresOnly === true;
    const seriesOf = (wfs: string[]) => (lean ? Promise.resolve([]) : cycleSeries(db, scope, "live", grain, wfs));
    // Samples and series read beside the sides, for the workflows the comparison will most likely take.
    const locks = await baselineLocks(db, scope.params);
    const likely = likelyIncluded(locks, input);
    const seriesWfsOf = (included: string[]) => (input.workflow !== undefined ? scope.params.wfs : included);
    const [sides, likelySamples, likelySeries] = await Promise.all([
      loadSides(db, scope, locks),
      lean ? { baseline: [], live: [] } : cycleSamples(db, scope, likely),
      seriesOf(seriesWfsOf(likely)),
    ]);
    const candidates = workflowsOf(sides, input);
    const { included } = comparability(sides, candidates);
    // Each workflow's sample is its own (samples are drawn per workflow): keep the included ones'.
    const keep = (rows: SampleRow[]) => rows.filter((r) => included.includes(r.workflow));
    const samples = { baseline: keep(likelySamples.baseline), live: keep(likelySamples.live) };
    const [series, pooled] = await Promise.all([
      sameWorkflows(seriesWfsOf(included), seriesWfsOf(likely)) ? likelySeries : seriesOf(seriesWfsOf(included)),
      input.workflow === undefined ? pooledSides(db, scope, included, sides) : Promise.resolve({}),
    ]);
    return { sides, candidates, alone: null, pooled, samples, series };
  },
  compute(data, { input }) {
    const { series } = data;
    const empty = { compression: null, interval: null, p_value: null, mann_whitney_u: null, workflows: [], excluded: [] };
    const label = "Cycle-time compression (1 − p50 live / p50 locked baseline)";
    if (input.phase) {
      const side = summarize(data.alone ?? undefined);
      const other = EMPTY;
      return { ...empty, status: "ok", baseline: input.phase === "baseline" ? side : other, live: input.phase === "live" ? side : other, series, headline: { value: null, unit: "ratio", label } };
    }
    const { sides } = data;
    const { included, excluded } = comparability(sides, data.candidates);
    const perWorkflow = included.map((wf) => compareOne(data, wf));
    const one = input.workflow !== undefined ? input.workflow : null;
    const lock = one !== null ? sides.locks.get(one) : undefined;
    const baseline = one !== null ? (lock?.method === "declared" ? declaredSummary(lock) : summarize(sides.baseline.get(one))) : summarize(data.pooled.baseline);
    const live = one !== null ? summarize(sides.live.get(one)) : summarize(data.pooled.live);
    const base = { baseline, live, series, excluded, baselineVersion: lock?.version ?? null };
    if (perWorkflow.length === 0) {
      const reason = one !== null ? `Not comparable: ${excluded[0]?.reason ?? "no data"}` : "No workflow is comparable: each needs a locked baseline and 30 live runs in the window";
      return { ...empty, ...base, status: "insufficient_data", reason, headline: { value: null, unit: "ratio", label } };
    }
    const weight = perWorkflow.reduce((a, w) => a + w.live_runs, 0);
    const compression = round(perWorkflow.reduce((a, w) => a + w.compression * w.live_runs, 0) / weight);
    const single = perWorkflow.length === 1 ? perWorkflow[0]! : null;
    const mw = single && one !== null ? rankTest(data, single.workflow) : null;
    return {
      ...base,
      status: "ok",
      compression,
      interval: single ? single.interval : combinedInterval(perWorkflow, compression, weight),
      p_value: mw ? roundP(mw.p) : null,
      mann_whitney_u: mw ? mw.u : null,
      workflows: perWorkflow,
      headline: { value: compression, unit: "ratio", label },
    };
  },
});

const sampleOf = (rows: SampleRow[], wf: string) => rows.filter((r) => r.workflow === wf).map((r) => r.s);

function compareOne(data: Data, wf: string): WorkflowCompression {
  const lock = data.sides.locks.get(wf)!;
  const live = data.sides.live.get(wf)!;
  const livePct = live.q[0] ?? 0;
  const baseP50 = lock.method === "declared" ? (lock.p50_hours ?? 0) * 3600 : (data.sides.baseline.get(wf)?.q[0] ?? 0);
  const compression = baseP50 > 0 ? 1 - livePct / baseP50 : 0;
  const b = sampleOf(data.samples.baseline, wf);
  const l = sampleOf(data.samples.live, wf);
  const interval = lock.method === "measured" && b.length > 0 && l.length > 0 ? bootstrapCompression(b, l) : null;
  return {
    workflow: wf,
    baseline_version: lock.version,
    live_runs: live.n,
    compression: round(compression),
    interval: interval && [round(interval[0]), round(interval[1])],
  };
}

function rankTest(data: Data, wf: string) {
  const b = sampleOf(data.samples.baseline, wf);
  const l = sampleOf(data.samples.live, wf);
  return b.length > 0 && l.length > 0 ? mannWhitney(b, l) : null;
}

/**
 * Firm-wide interval: the workflows' estimates are independent, so the weighted mean's standard
 * error is the root of the weighted squares of each one's (read off its 95% bootstrap interval).
 * Unknown (null) when any workflow has no interval (a declared baseline).
 */
function combinedInterval(ws: WorkflowCompression[], estimate: number, weight: number): [number, number] | null {
  if (ws.some((w) => w.interval === null)) return null;
  const variance = ws.reduce((a, w) => a + ((w.live_runs / weight) * ((w.interval![1] - w.interval![0]) / 3.92)) ** 2, 0);
  const half = 1.96 * Math.sqrt(variance);
  return [round(estimate - half), round(estimate + half)];
}
