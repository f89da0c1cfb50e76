import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import { GRAIN_SQL, PHASE_WINDOW_SQL, phaseWindowParams } from "./phase-window";
import { SCOPE_SQL, windowParams } from "./scope";
import { linearTrend } from "./stats";

export interface RateSide {
  runs: number;
  exception_runs: number;
  exception_rate: number | null;
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
}

const totalsRow = z.object({ phase: z.enum(["baseline", "live"]), runs: z.coerce.number() });
const flagsRow = z.object({ phase: z.enum(["baseline", "live"]), exceptions: z.coerce.number(), human: z.coerce.number() });
const reasonRow = z.object({ reason: z.string(), runs: z.coerce.number() });
const bucketRow = z.object({ bucket: z.string(), runs: z.coerce.number(), exceptions: z.coerce.number() });

interface Data {
  totals: z.output<typeof totalsRow>[];
  flags: z.output<typeof flagsRow>[];
  reasons: z.output<typeof reasonRow>[];
  weekly: z.output<typeof bucketRow>[];
  series: z.output<typeof bucketRow>[];
}

// Finished runs come from runs_daily; flagged runs from run_flags_daily, whose uniqExact states
// (fed by both the run and the step views) merge into a union of run ids (migration 0030).
const BUCKETS_SQL = (bucket: string) => `
  SELECT toString(bucket) AS bucket, sum(r) AS runs, sum(e) AS exceptions FROM (
    SELECT ${bucket} AS bucket, sum(runs) AS r, 0 AS e FROM runs_daily
    WHERE ${SCOPE_SQL} AND phase = {series_phase:String} AND ${PHASE_WINDOW_SQL("day")} GROUP BY bucket
    UNION ALL
    SELECT ${bucket} AS bucket, 0 AS r, uniqExactMerge(exception_runs) AS e FROM run_flags_daily
    WHERE ${SCOPE_SQL} AND phase = {series_phase:String} AND ${PHASE_WINDOW_SQL("day")} GROUP BY bucket
  ) GROUP BY bucket ORDER BY bucket`;

function side(data: Data, phase: "baseline" | "live"): RateSide {
  const runs = data.totals.find((t) => t.phase === phase)?.runs ?? 0;
  const f = data.flags.find((t) => t.phase === phase);
  const exceptions = Math.min(f?.exceptions ?? 0, runs);
  return {
    runs,
    exception_runs: exceptions,
    exception_rate: runs ? round(exceptions / runs) : null,
    straight_through_rate: runs ? round(1 - Math.min(f?.human ?? 0, runs) / runs) : null,
  };
}

export const exceptionRate = defineMetric<"exception-rate", Data, ExceptionRateResult>({
  key: "exception-rate",
  title: "Exception rate",
  unit: "ratio",
  direction: "down",
  async load(db, { input, scope }) {
    const params = { ...windowParams(scope), ...phaseWindowParams(input, scope), grain: input.grain ?? "week" };
    const where = `${SCOPE_SQL} AND ${PHASE_WINDOW_SQL("day")}`;
    const totals = await db.query(`SELECT phase, sum(runs) AS runs FROM runs_daily WHERE ${where} GROUP BY phase`, params, totalsRow);
    const flags = await db.query(
      `SELECT phase, uniqExactMerge(exception_runs) AS exceptions, uniqExactMerge(human_runs) AS human
       FROM run_flags_daily WHERE ${where} GROUP BY phase`,
      params,
      flagsRow,
    );
    const reasons = await db.query(
      `SELECT reason, uniqExactMerge(exception_runs) AS runs FROM run_flags_daily
       WHERE ${SCOPE_SQL} AND phase = {series_phase:String} AND ${PHASE_WINDOW_SQL("day")}
       GROUP BY reason HAVING runs > 0 ORDER BY runs DESC, reason`,
      params,
      reasonRow,
    );
    const weekly = await db.query(BUCKETS_SQL("toMonday(day)"), params, bucketRow);
    const series = await db.query(BUCKETS_SQL(GRAIN_SQL), params, bucketRow);
    return { totals, flags, reasons, weekly, series };
  },
  compute(data, { input }) {
    const baseline = side(data, "baseline");
    const live = side(data, "live");
    const weekly = data.weekly
      .filter((w) => w.runs > 0)
      .map((w) => ({ week: w.bucket, runs: w.runs, exception_rate: round(Math.min(w.exceptions, w.runs) / w.runs) }));
    const fit = linearTrend(
      weekly.map((w) => Date.parse(w.week) / 604_800_000),
      weekly.map((w) => w.exception_rate),
    );
    // "Declining" only when the whole interval is below zero (issue 5): noise is called flat.
    const direction = (iv: [number, number] | null): "declining" | "rising" | "flat" => (iv && iv[1] < 0 ? "declining" : iv && iv[0] > 0 ? "rising" : "flat");
    const trend: ExceptionRateResult["trend"] = fit ? { slope: round(fit.slope, 6), interval: fit.interval && ([round(fit.interval[0], 6), round(fit.interval[1], 6)] as [number, number]), direction: direction(fit.interval) } : null;
    const focus = input.phase === "baseline" ? baseline : live;
    const insufficient = focus.runs < MIN_RUNS;
    return {
      status: insufficient ? "insufficient_data" : "ok",
      ...(insufficient ? { reason: `Needs ${MIN_RUNS} finished runs; has ${focus.runs}` } : {}),
      headline: { value: insufficient ? null : focus.exception_rate, unit: "ratio", label: "Live exception rate" },
      baseline,
      live,
      reasons: data.reasons,
      weekly,
      trend,
      series: data.series.map((s) => ({ bucket: s.bucket, runs: s.runs, exception_rate: s.runs ? round(Math.min(s.exceptions, s.runs) / s.runs) : null })),
    };
  },
});
