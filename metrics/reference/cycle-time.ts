import { DAY_MS, startOfUtcDay } from "./world";
import { type ModelStore, type RunFacts, groupBy, quantile7, roundTo, sideFacts, whyNot } from "./model";

/**
 * Cycle time and its comparison, straight from docs/metrics.md ("Cycle time", "Quantiles", "Comparison
 * and comparability", "Firm-wide"), over the model store. Figures are rounded as the dashboard shows
 * them (hours to 6 decimals, ratios to 4) so they compare with the engine's output as they are.
 */

/** A query: one workflow, or firm-wide; `from`..`to` are UTC days, both inclusive. */
export interface RefQuery {
  workflow?: string;
  from: Date;
  to: Date;
}

export interface RefSummary {
  n: number;
  p50_hours: number | null;
  p90_hours: number | null;
  mean_hours: number | null;
}

export interface RefCycleTime {
  status: "ok" | "insufficient_data";
  baseline: RefSummary;
  live: RefSummary;
  compression: number | null;
  baselineVersion: number | null;
  workflows: { workflow: string; baseline_version: number; live_runs: number; compression: number }[];
  excluded: string[];
  series: { bucket: string; n: number; p50_hours: number | null }[];
}

const hours = (seconds: number) => roundTo(seconds / 3600, 6);
const sortedSeconds = (runs: RunFacts[]) => runs.map((r) => r.cycleSeconds).sort((a, b) => a - b);

export function summary(runs: RunFacts[]): RefSummary {
  if (runs.length === 0) return { n: 0, p50_hours: null, p90_hours: null, mean_hours: null };
  const s = sortedSeconds(runs);
  const mean = s.reduce((a, v) => a + v, 0) / s.length;
  return { n: s.length, p50_hours: hours(quantile7(s, 0.5)), p90_hours: hours(quantile7(s, 0.9)), mean_hours: hours(mean) };
}

export interface WindowSides {
  /** Finished live runs started in the window, per workflow. */
  live: Map<string, RunFacts[]>;
  included: string[];
  excluded: string[];
}

/**
 * The live side of a window and which workflows are comparable: the candidates are the workflow asked
 * for, or firm-wide every workflow with a lock or live runs in the window.
 */
export function windowSides(store: ModelStore, q: RefQuery): WindowSides {
  const fromDay = startOfUtcDay(q.from.getTime());
  const toDay = startOfUtcDay(q.to.getTime()) + DAY_MS;
  const live = groupBy(sideFacts(store, "live", fromDay, toDay, q.workflow !== undefined ? [q.workflow] : null));
  const candidates = q.workflow !== undefined ? [q.workflow] : [...new Set([...store.locks.keys(), ...live.keys()])].sort();
  const included: string[] = [];
  const excluded: string[] = [];
  for (const wf of candidates) (whyNot(store.locks.get(wf), live.get(wf)?.length ?? 0) ? excluded : included).push(wf);
  return { live, included, excluded };
}

/** The live p50 per week (buckets start on Monday, UTC). */
function weeklySeries(runs: RunFacts[]): RefCycleTime["series"] {
  const byWeek = new Map<number, RunFacts[]>();
  for (const r of runs) {
    const day = startOfUtcDay(r.start);
    const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
    const list = byWeek.get(monday);
    if (list) list.push(r);
    else byWeek.set(monday, [r]);
  }
  return [...byWeek.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([monday, rs]) => ({ bucket: new Date(monday).toISOString().slice(0, 10), n: rs.length, p50_hours: hours(quantile7(sortedSeconds(rs), 0.5)) }));
}

const p50 = (runs: RunFacts[]) => quantile7(sortedSeconds(runs), 0.5);

export function referenceCycleTime(store: ModelStore, q: RefQuery): RefCycleTime {
  const { live, included, excluded } = windowSides(store, q);
  const frozen = (wf: string) => store.locks.get(wf)?.runs ?? [];
  const pick = (m: (wf: string) => RunFacts[], wfs: string[]) => wfs.flatMap(m);
  const shown = q.workflow !== undefined ? [q.workflow] : included;
  const liveOf = (wf: string) => live.get(wf) ?? [];
  // Unrounded per workflow; the firm-wide figure weights these by live runs, then rounds once.
  const exact = included.map((wf) => ({ wf, c: 1 - p50(liveOf(wf)) / p50(frozen(wf)), n: liveOf(wf).length }));
  const weight = exact.reduce((a, w) => a + w.n, 0);
  return {
    status: included.length > 0 ? "ok" : "insufficient_data",
    baseline: summary(pick(frozen, shown)),
    live: summary(pick(liveOf, shown)),
    compression: included.length > 0 ? roundTo(exact.reduce((a, w) => a + w.c * w.n, 0) / weight, 4) : null,
    baselineVersion: q.workflow !== undefined ? (store.locks.get(q.workflow)?.version ?? null) : null,
    workflows: exact.map((w) => ({ workflow: w.wf, baseline_version: store.locks.get(w.wf)!.version, live_runs: w.n, compression: roundTo(w.c, 4) })),
    excluded,
    series: weeklySeries(pick(liveOf, shown)),
  };
}

export { p50 };
