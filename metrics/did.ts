import { linearTrend, quantileSorted, seededRandom } from "./stats";

/**
 * Difference-in-differences over weekly series (docs/metrics.md, "Control comparisons"), pure so that
 * the simulation test can run it thousands of times in memory.
 *
 * A week is an event-time week: `k` counts whole weeks from the treated workflow's go-live day
 * (k < 0 before, k ≥ 0 after), so no week straddles the go-live. Each point holds the treated and the
 * control value of that week (a weekly median cycle time, a weekly exception rate).
 */
export interface WeekPoint {
  k: number;
  treated: number;
  control: number;
}

export interface ParallelTrends {
  /** Slope of the pre-period weekly treated − control difference, per week. */
  slope: number;
  /** Its 95% t interval. */
  interval: [number, number];
  /** The interval holds 0: no significant pre-trend, so the control is taken as comparable. */
  parallel: boolean;
}

export interface DidEstimate {
  /** Treated change minus control change, post mean minus pre mean. */
  estimate: number;
  interval: [number, number];
  /** The plain before/after of the treated workflow (what the estimate corrects). */
  treated_change: number;
  control_change: number;
}

/** Fewest weeks on each side of go-live for an estimate and for the trend check. */
export const MIN_WEEKS = 4;
export const BOOTSTRAP_ITERATIONS = 2000;
export const BOOTSTRAP_SEED = 20_270_027;

const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/**
 * The placebo pre-trend test: under parallel trends the treated − control gap is flat before go-live.
 * An OLS line through the pre weeks' gaps; a slope whose 95% interval excludes 0 means the two were
 * already drifting apart, and a post-period gap would mix that drift with the automation's effect.
 * Null below MIN_WEEKS pre weeks (too few to judge).
 */
export function parallelTrends(pre: readonly WeekPoint[]): ParallelTrends | null {
  if (pre.length < MIN_WEEKS) return null;
  const fit = linearTrend(
    pre.map((p) => p.k),
    pre.map((p) => p.treated - p.control),
  );
  if (!fit?.interval) return null;
  const [lo, hi] = fit.interval;
  return { slope: fit.slope, interval: [lo, hi], parallel: lo <= 0 && hi >= 0 };
}

/**
 * Resamples of one period's mean gap: weeks are the clusters (a week's runs stay together), drawn
 * with replacement; each draw's deviation from the period mean is expanded by √(n/(n−1)), the usual
 * small-sample correction, since a plain percentile bootstrap of a mean over 4–26 weeks is too narrow.
 */
function resampledMeans(gaps: readonly number[], iterations: number, rand: () => number): Float64Array {
  const n = gaps.length;
  const m = mean(gaps);
  const expand = Math.sqrt(n / (n - 1));
  const out = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += gaps[Math.floor(rand() * n)]!;
    out[i] = m + expand * (s / n - m);
  }
  return out;
}

/**
 * The estimate and its 95% interval: a percentile bootstrap over week clusters, pre and post weeks
 * resampled independently, with a seeded generator so the same data gives the same interval. Null
 * below MIN_WEEKS weeks on either side.
 */
export function didEstimate(
  pre: readonly WeekPoint[],
  post: readonly WeekPoint[],
  options: { iterations?: number; seed?: number } = {},
): DidEstimate | null {
  if (pre.length < MIN_WEEKS || post.length < MIN_WEEKS) return null;
  const iterations = options.iterations ?? BOOTSTRAP_ITERATIONS;
  const rand = seededRandom(options.seed ?? BOOTSTRAP_SEED);
  const gapsPre = pre.map((p) => p.treated - p.control);
  const gapsPost = post.map((p) => p.treated - p.control);
  const before = resampledMeans(gapsPre, iterations, rand);
  const after = resampledMeans(gapsPost, iterations, rand);
  const stats = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) stats[i] = after[i]! - before[i]!;
  stats.sort();
  const treatedChange = mean(post.map((p) => p.treated)) - mean(pre.map((p) => p.treated));
  const controlChange = mean(post.map((p) => p.control)) - mean(pre.map((p) => p.control));
  return {
    estimate: mean(gapsPost) - mean(gapsPre),
    interval: [quantileSorted(stats, 0.025), quantileSorted(stats, 0.975)],
    treated_change: treatedChange,
    control_change: controlChange,
  };
}
