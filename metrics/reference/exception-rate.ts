import { type ModelStore, type RunFacts, roundTo } from "./model";
import { type RefQuery, windowSides } from "./cycle-time";

/**
 * Exception and straight-through rates, straight from docs/metrics.md ("Exception run", "Straight-through
 * run", "Rates", "Firm-wide"): a rate is over the runs whose status is known, null when none is;
 * firm-wide pools the comparable workflows' runs on each side.
 */

export interface RefRateSide {
  runs: number;
  exception_runs: number;
  exception_rate: number | null;
  straight_through_rate: number | null;
}

export interface RefExceptionRate {
  baseline: RefRateSide;
  live: RefRateSide;
  /** Firm-wide only: the definitions list included and excluded workflows for firm-wide comparisons. */
  workflows?: string[];
  excluded?: string[];
}

const rate = (hits: number, known: number): number | null => (known > 0 ? roundTo(hits / known, 4) : null);

export function rateSide(runs: RunFacts[]): RefRateSide {
  const exceptionKnown = runs.filter((r) => r.exception !== null);
  const stKnown = runs.filter((r) => r.straightThrough !== null);
  const exceptions = exceptionKnown.filter((r) => r.exception === 1).length;
  return {
    runs: runs.length,
    exception_runs: exceptions,
    exception_rate: rate(exceptions, exceptionKnown.length),
    straight_through_rate: rate(stKnown.filter((r) => r.straightThrough === 1).length, stKnown.length),
  };
}

export function referenceExceptionRate(store: ModelStore, q: RefQuery): RefExceptionRate {
  const { live, included, excluded } = windowSides(store, q);
  const shown = q.workflow !== undefined ? [q.workflow] : included;
  return {
    baseline: rateSide(shown.flatMap((wf) => store.locks.get(wf)?.runs ?? [])),
    live: rateSide(shown.flatMap((wf) => live.get(wf) ?? [])),
    ...(q.workflow === undefined ? { workflows: included, excluded } : {}),
  };
}
