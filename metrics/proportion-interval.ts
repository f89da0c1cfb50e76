/**
 * 95% intervals for proportions and their differences, used where a figure is a count of events over a
 * count of trials (conversions of prospects, corrected records of processed ones).
 */
const Z = 1.959963984540054;

/** Wilson score interval of `k` successes in `n` trials; null without trials. */
export function wilson(k: number, n: number): [number, number] | null {
  if (!(n > 0) || k < 0 || k > n) return null;
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval (1998, method 10) for p₁ − p₂, from each side's Wilson interval:
 * better coverage than the Wald interval at small counts and near 0 or 1.
 */
export function proportionDifference(k1: number, n1: number, k2: number, n2: number): [number, number] | null {
  const a = wilson(k1, n1);
  const b = wilson(k2, n2);
  if (!a || !b) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - a[0]) ** 2 + (b[1] - p2) ** 2), d + Math.sqrt((a[1] - p1) ** 2 + (p2 - b[0]) ** 2)];
}
