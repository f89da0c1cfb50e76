import { z } from "zod";
import type { MetricInput } from "./define-metric";
import type { Scope } from "./scope";

/**
 * Baseline vs live: the live side covers the window; the baseline side covers every baseline-phase
 * run (they predate go-live and never expire) (bounded by 2149, the end of ClickHouse `Date`) unless the caller asks for the baseline phase alone, in
 * which case the window applies to it. `dayExpr` is the row's UTC day.
 */
export const PHASE_WINDOW_SQL = (dayExpr: string) =>
  `((phase = 'live' AND {want_live:UInt8} = 1 AND ${dayExpr} >= toDate({from:DateTime64(3)}) AND ${dayExpr} < toDate({to:DateTime64(3)}))
    OR (phase = 'baseline' AND {want_baseline:UInt8} = 1 AND ${dayExpr} >= toDate({bfrom:DateTime64(3)}) AND ${dayExpr} < toDate({bto:DateTime64(3)})))`;

export function phaseWindowParams(input: MetricInput, scope: Scope) {
  const baselineOnly = input.phase === "baseline";
  return {
    want_live: input.phase === "baseline" ? 0 : 1,
    want_baseline: input.phase === "live" ? 0 : 1,
    bfrom: baselineOnly ? scope.from : new Date(0),
    bto: baselineOnly ? scope.to : new Date(Date.UTC(2149, 0, 1)),
    series_phase: input.phase ?? "live",
  };
}

/** The bucket of a day for a time series; the grain is bound, never interpolated. */
export const GRAIN_SQL =
  "multiIf({grain:String} = 'day', day, {grain:String} = 'month', toStartOfMonth(day), toMonday(day))";

export const seriesRow = z.object({ bucket: z.string(), n: z.coerce.number(), v: z.number() });
