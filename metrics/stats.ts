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

/** Rearranges `a` so a[k] is the k-th smallest (quickselect, expected O(n)); returns a[k]. */
function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** Type-7 median of a resample (no full sort: the bootstrap takes thousands of them). */
function resampleMedian(values: readonly number[], rand: () => number, buf: Float64Array): number {
  for (let i = 0; i < buf.length; i++) buf[i] = values[Math.floor(rand() * values.length)]!;
  const k = (buf.length - 1) >>> 1;
  const lower = selectInPlace(buf, k);
  if (buf.length % 2 === 1) return lower;
  let upper = Number.POSITIVE_INFINITY;
  for (let i = k + 1; i < buf.length; i++) if (buf[i]! < upper) upper = buf[i]!;
  return (lower + upper) / 2;
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
  const b = new Float64Array(baseline.length);
  const l = new Float64Array(live.length);
  const stats = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const mb = resampleMedian(baseline, rand, b);
    const ml = resampleMedian(live, rand, l);
    stats[i] = mb === 0 ? 0 : 1 - ml / mb;
  }
  stats.sort();
  return [quantileSorted(stats, 0.025), quantileSorted(stats, 0.975)];
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
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
  return { u: Math.min(u1, u2), z: Math.max(z, 0), p: Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0)))) };
}

// Two-sided 95% Student t critical values, df 1..30 (standard t table); the normal 1.96 beyond.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function t95(df: number): number {
  return df >= 1 && df <= 30 ? T95[df - 1]! : 1.96;
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
