/** Statistics the metrics need, small enough to check by hand (tests cite worked examples). */

/** Mulberry32: a tiny seeded PRNG so a bootstrap interval is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile of an ascending sample with linear interpolation (Hyndman–Fan type 7, as ClickHouse `quantile`). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/**
 * Type-7 medians of resamples of one sample, without sorting or selecting in each (the bootstrap takes
 * thousands): the sample is sorted once, a resample is counted by rank, and its median is the rank where
 * the running count passes the middle. It draws exactly as drawing values would (one `rand()` per
 * element, index `floor(rand() · n)`), so the medians are those of the resamples themselves.
 */
class ResampleMedian {
  private readonly sorted: Float64Array;
  private readonly rankOf: Int32Array;
  private readonly counts: Int32Array;

  constructor(values: readonly number[]) {
    const n = values.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
    this.sorted = Float64Array.from(order, (i) => values[i]!);
    this.rankOf = new Int32Array(n);
    order.forEach((i, rank) => (this.rankOf[i] = rank));
    this.counts = new Int32Array(n);
  }

  next(rand: () => number): number {
    const { counts, rankOf, sorted } = this;
    const n = sorted.length;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rankOf[Math.floor(rand() * n)]!]!++;
    const k = (n - 1) >>> 1;
    let r = 0;
    let seen = counts[0]!;
    while (seen <= k) seen += counts[++r]!;
    const lower = sorted[r]!;
    if (n % 2 === 1) return lower;
    // Even: the mean of the k-th and (k+1)-th smallest; the latter is the same value when this rank holds both.
    if (seen > k + 1) return (lower + lower) / 2;
    let up = r + 1;
    while (counts[up] === 0) up++;
    return (lower + sorted[up]!) / 2;
  }
}

/**
 * 95% percentile-bootstrap interval for compression = 1 − median(live)/median(baseline):
 * both samples are resampled independently, `iterations` times, with a seeded generator.
 */
export function bootstrapCompression(
  baseline: readonly number[],
  live: readonly number[],
  options: { iterations?: number; seed?: number } = {},
): [number, number] {
  const rand = seededRandom(options.seed ?? 20240501);
  const iterations = options.iterations ?? 1000;
  const b = new ResampleMedian(baseline);
  const l = new ResampleMedian(live);
  const stats = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const mb = b.next(rand);
    const ml = l.next(rand);
    stats[i] = mb === 0 ? 0 : 1 - ml / mb;
  }
  stats.sort();
  return [quantileSorted(stats, 0.025), quantileSorted(stats, 0.975)];
}

/**
 * Upper tail 1 − Φ(z) for z ≥ 0, computed directly rather than as 1 − Φ: the difference loses every
 * digit once Φ rounds to 1 (z > 8.3), which made a p-value below 1e-16 an exact 0. Uses the Chebyshev
 * erfc of Numerical Recipes (erfcc), whose fractional error is below 1.2e-7 everywhere, tails included.
 */
function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const inner =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return 0.5 * t * Math.exp(inner);
}

/** Standard normal CDF (fractional error of either tail below 1.2e-7). */
export function normalCdf(z: number): number {
  return z >= 0 ? 1 - normalUpperTail(z) : normalUpperTail(-z);
}

export interface MannWhitney {
  /** min(U1, U2). */
  u: number;
  z: number;
  /** Two-sided, normal approximation with tie and continuity correction. */
  p: number;
}

/** Mann–Whitney U test of two independent samples (midranks for ties). */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let r1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) r1 += rank;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mean = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u: Math.min(u1, u2), z: 0, p: 1 };
  const z = (Math.abs(u1 - mean) - 0.5) / sigma;
  return { u: Math.min(u1, u2), z: Math.max(z, 0), p: Math.min(1, 2 * normalUpperTail(Math.max(z, 0))) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta (modified Lentz, as Numerical Recipes `betacf`). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), on whichever side its continued fraction converges fast. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with `df` degrees of freedom, t ≥ 0: ½·I_{df/(df+t²)}(df/2, ½). */
function studentUpperTail(t: number, df: number): number {
  return 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Normal quantile for p in (½, 1) by bisection on the CDF (to ~1e-7, plenty for an interval's width). */
function normalQuantile(p: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Student t quantile for p in (½, 1) and any df > 0 (not only integers), continuous in df: the old
 * table stopped at df 30 and then jumped from 2.042 to 1.960. Bisection on the exact upper tail; beyond
 * df 10⁵ (where the continued fraction slows) the Cornish–Fisher expansion of A&S 26.7.5, whose first
 * omitted term is below 1e-15 there. df = Infinity gives the normal quantile.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile needs ½ < p < 1 and df > 0, got p ${p}, df ${df}`);
  if (df > 1e5) {
    const z = normalQuantile(p);
    const [z3, z5, z7] = [z ** 3, z ** 5, z ** 7];
    return z + (z3 + z) / 4 / df + (5 * z5 + 16 * z3 + 3 * z) / 96 / df ** 2 + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384 / df ** 3;
  }
  let lo = 0;
  let hi = 1;
  while (studentUpperTail(hi, df) > 1 - p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentUpperTail(mid, df) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided 95% critical value of Student's t. */
export function t95(df: number): number {
  return tQuantile(0.975, df);
}

/**
 * A p-value rounded to 6 significant digits for display and storage. Rounding to 6 decimals turned
 * anything below 5e-7 into 0, which reads as "impossible" rather than "very small"; a positive p stays
 * positive (the UI prints below 1e-6 as "< 0.000001").
 */
export function roundP(p: number): number {
  if (!Number.isFinite(p) || p <= 0) return p;
  return Math.min(1, Number(p.toPrecision(6)));
}

/** Below this a p-value is printed as a bound: the normal approximation says nothing finer. */
export const P_FLOOR = 1e-6;

/**
 * A p-value for people: three decimals from 0.001 up, two significant digits below (0.00012), and
 * "< 0.000001" below 1e-6, never "0" (a p-value is never 0; rounding it there read as certainty).
 */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  if (p < P_FLOOR) return "< 0.000001";
  if (p < 0.001) return String(Number(p.toPrecision(2)));
  return p.toFixed(3);
}

export interface Trend {
  slope: number;
  intercept: number;
  /** 95% interval of the slope; null below 3 points. */
  interval: [number, number] | null;
}

/** Ordinary least squares y = a + b·x with the slope's t interval. */
export function linearTrend(xs: readonly number[], ys: readonly number[]): Trend | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { slope, intercept, interval: null };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const h = t95(n - 2) * se;
  return { slope, intercept, interval: [slope - h, slope + h] };
}
