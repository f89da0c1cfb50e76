import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import { type Comparability, type ComparisonSides, comparability, likelyIncluded, loadSides, pooledSides, sameWorkflows, workflowsOf } from "./comparison";
import { type SideFigures, knownRate } from "./locked-baseline";
import { GRAIN_SQL } from "./phase-window";
import { runSetParams, runSetSql } from "./run-set";
import { windowParams } from "./scope";
import { linearTrend } from "./stats";
import { type BaselineLock, baselineLocks } from "./workflow-settings";

export interface RateSide {
  runs: number;
  exception_runs: number;
  /** Over the runs whose exception status is known; null when none is. */
  exception_rate: number | null;
  /** Over the runs whose straight-through status is known; null when none is. */
  straight_through_rate: number | null;
}

export interface ExceptionRateResult extends MetricResultBase {
  key: "exception-rate";
  baseline: RateSide;
  live: RateSide;
  reasons: { reason: string; runs: number }[];
  weekly: { week: string; runs: number; exception_rate: number }[];
  /** Change of the weekly live rate per week, with its 95% interval. */
  trend: { slope: number; interval: [number, number] | null; direction: "declining" | "rising" | "flat" } | null;
  series: { bucket: string; runs: number; exception_rate: number | null }[];
  /** Workflows whose runs the figures pool (firm-wide: the comparable ones), and those left out. */
  workflows: string[];
  excluded: Comparability["excluded"];
}

interface Bucket {
  bucket: string;
  runs: number;
  known: number;
  exceptions: number;
}

interface Data {
  sides: ComparisonSides;
  candidates: string[];
  /** The workflows the live figures below cover. */
  pooled: string[];
  live: SideFigures | undefined;
  baseline: SideFigures | undefined;
  reasons: { reason: string; runs: number }[];
  weekly: Bucket[];
  series: Bucket[];
}

/**
 * Every cut the metric shows, from one reading of the run set (each reading joins runs with their
 * steps, the costly part): each run is fanned out to its total, its reason, its week and its bucket.
 * For a reason, `exceptions` counts the exception runs filed under it (each once, under its outcome's
 * reason, else its first intervention's).
 */
const CUTS_SQL = `
  SELECT cut.1 AS kind, cut.2 AS key, count() AS runs, count(exception) AS known, sum(ifNull(exception, 0)) AS exceptions,
         count(straight_through) AS st_known, sum(ifNull(straight_through, 0)) AS st_runs
  FROM (SELECT toDate(start_time) AS day, reason, exception, straight_through FROM (${runSetSql()}))
  ARRAY JOIN [('all', ''), ('reason', reason), ('week', toString(toMonday(day))), ('bucket', toString(${GRAIN_SQL}))] AS cut
  GROUP BY kind, key ORDER BY kind, key`;
const cutRow = z.object({
  kind: z.enum(["all", "reason", "week", "bucket"]),
  key: z.string(),
  runs: z.coerce.number(),
  known: z.coerce.number(),
  exceptions: z.coerce.number(),
  st_known: z.coerce.number(),
  st_runs: z.coerce.number(),
});
type Cut = z.output<typeof cutRow>;

/** The live (or lone) side's figures from its `all` cut, in the shape the locked side has. */
function sideOf(all: Cut | undefined): SideFigures | undefined {
  if (!all) return undefined;
  return {
    wf: "*", n: all.runs, q: [], cycle_seconds_sum: 0, exception_known: all.known, exception_runs: all.exceptions, st_known: all.st_known,
    st_runs: all.st_runs, runs_with_minutes: 0, minutes_sum: 0, window_from: "", window_to: "", import_ids: [], instrumented_runs: 0,
  };
}

const bucketsOf = (cuts: Cut[], kind: "week" | "bucket") => cuts.filter((c) => c.kind === kind).map((c) => ({ bucket: c.key, runs: c.runs, known: c.known, exceptions: c.exceptions }));

/** The live (or lone) side, its reasons and its buckets, from the cuts. */
function ofCuts(cuts: Cut[]) {
  const reasons = cuts
    .filter((c) => c.kind === "reason" && c.exceptions > 0)
    .map((c) => ({ reason: c.key, runs: c.exceptions }))
    .sort((a, b) => b.runs - a.runs || a.reason.localeCompare(b.reason));
  return { live: sideOf(cuts.find((c) => c.kind === "all")), reasons, weekly: bucketsOf(cuts, "week"), series: bucketsOf(cuts, "bucket") };
}

const EMPTY_SIDE: RateSide = { runs: 0, exception_runs: 0, exception_rate: null, straight_through_rate: null };

function rateSide(f: SideFigures | undefined): RateSide {
  if (!f || f.n === 0) return EMPTY_SIDE;
  const r = (v: number | null) => (v === null ? null : round(v));
  return { runs: f.n, exception_runs: f.exception_runs, exception_rate: r(knownRate(f.exception_runs, f.exception_known)), straight_through_rate: r(knownRate(f.st_runs, f.st_known)) };
}

const declaredSide = (lock: BaselineLock): RateSide => ({ runs: lock.n, exception_runs: 0, exception_rate: lock.exception_rate, straight_through_rate: null });

export const exceptionRate = defineMetric<"exception-rate", Data, ExceptionRateResult>({
  key: "exception-rate",
  title: "Exception rate",
  unit: "ratio",
  direction: "down",
  async load(db, { input, scope }) {
    const phase = input.phase ?? "live";
    // The figures pool the workflow asked for; firm-wide, the comparable ones; a side alone, all in scope.
    const cutsOf = (wfs: string[] | null) =>
      db.query(CUTS_SQL, { ...windowParams(scope), ...(wfs === null ? scope.params : { ...scope.params, all_wf: 0 as const, wfs }), ...runSetParams(phase, scope.from, scope.to), grain: input.grain ?? "week" }, cutRow);
    if (input.phase) {
      const cuts = await cutsOf(null);
      return { ...ofCuts(cuts), sides: { locks: new Map(), baseline: new Map(), live: new Map() }, candidates: [], pooled: [], baseline: undefined };
    }
    // The cuts read beside the sides, for the workflows the comparison will most likely pool.
    const locks = await baselineLocks(db, scope.params);
    const wfsOf = (included: string[]) => (input.workflow !== undefined ? scope.params.wfs : included);
    const likely = wfsOf(likelyIncluded(locks, input));
    const [sides, likelyCuts] = await Promise.all([loadSides(db, scope, locks), cutsOf(likely)]);
    const candidates = workflowsOf(sides, input);
    const wfs = wfsOf(comparability(sides, candidates).included);
    const [cuts, pooled] = await Promise.all([
      sameWorkflows(wfs, likely) ? likelyCuts : cutsOf(wfs),
      input.workflow === undefined ? pooledSides(db, scope, wfs, sides) : Promise.resolve({ baseline: undefined }),
    ]);
    const baseline = input.workflow !== undefined ? sides.baseline.get(input.workflow) : pooled.baseline;
    return { ...ofCuts(cuts), sides, candidates, pooled: wfs, baseline };
  },
  compute(data, { input }) {
    const rate = (b: { known: number; exceptions: number }) => (b.known ? round(b.exceptions / b.known) : null);
    const weekly = data.weekly.flatMap((w) => (w.known > 0 ? [{ week: w.bucket, runs: w.runs, exception_rate: rate(w)! }] : []));
    const fit = linearTrend(
      weekly.map((w) => Date.parse(w.week) / 604_800_000),
      weekly.map((w) => w.exception_rate),
    );
    // "Declining" only when the whole interval is below zero: noise is called flat.
    const direction = (iv: [number, number] | null): "declining" | "rising" | "flat" => (iv && iv[1] < 0 ? "declining" : iv && iv[0] > 0 ? "rising" : "flat");
    const trend: ExceptionRateResult["trend"] = fit ? { slope: round(fit.slope, 6), interval: fit.interval && ([round(fit.interval[0], 6), round(fit.interval[1], 6)] as [number, number]), direction: direction(fit.interval) } : null;
    const side = rateSide(data.live);
    const lock = input.workflow !== undefined ? data.sides.locks.get(input.workflow) : undefined;
    const baseline = input.phase ? (input.phase === "baseline" ? side : EMPTY_SIDE) : lock?.method === "declared" ? declaredSide(lock) : rateSide(data.baseline);
    const live = input.phase === "baseline" ? EMPTY_SIDE : side;
    const { excluded } = comparability(data.sides, data.candidates);
    const label = input.phase === "baseline" ? "Baseline exception rate" : "Live exception rate";
    const reason =
      !input.phase && input.workflow === undefined && data.pooled.length === 0
        ? "No workflow is comparable: each needs a locked baseline and 30 live runs in the window"
        : side.runs < MIN_RUNS
          ? `Needs ${MIN_RUNS} finished runs; has ${side.runs}`
          : side.exception_rate === null
            ? "Exception status unknown: the runs' records do not say how they ended"
            : undefined;
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : side.exception_rate, unit: "ratio", label },
      baselineVersion: lock?.version ?? null,
      baseline,
      live,
      reasons: data.reasons,
      weekly,
      trend,
      series: data.series.map((s) => ({ bucket: s.bucket, runs: s.runs, exception_rate: rate(s) })),
      workflows: input.workflow !== undefined ? [input.workflow] : data.pooled,
      excluded: input.workflow !== undefined ? [] : excluded,
    };
  },
});
