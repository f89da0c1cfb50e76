/**
 * Figure-by-figure comparison of a reference result with the engine's. Only the reference's fields are
 * compared (the engine adds intervals, headlines and the like that the model does not compute).
 *
 * Tolerances (issue 22, "Acceptance"): counts, rates, lists and statuses exactly; p50 within 0.5% and
 * p90 within 1% relative (both should be exact: type 7 on every run); a mean to its last shown digit
 * (1e-6 h: float sums in another order); a compression to its last shown digit (1e-4), because the
 * engine rounds each workflow's compression before weighting them and the model rounds once.
 */

export interface Difference {
  path: string;
  expected: unknown;
  actual: unknown;
}

export interface Outcome {
  failures: Difference[];
  /** Within tolerance but not equal: quantiles and means that should be exact. */
  inexact: Difference[];
  figures: number;
}

type Tolerance = { rel: number; abs: number } | null;

function toleranceOf(key: string): Tolerance {
  if (key === "p50_hours") return { rel: 0.005, abs: 0 };
  if (key === "p90_hours") return { rel: 0.01, abs: 0 };
  if (key === "mean_hours") return { rel: 0, abs: 1.000001e-6 };
  if (key === "compression") return { rel: 0, abs: 1.000001e-4 };
  return null;
}

export function compare(expected: unknown, actual: unknown, path = "", out: Outcome = { failures: [], inexact: [], figures: 0 }): Outcome {
  const key = path.slice(path.lastIndexOf(".") + 1);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.failures.push({ path: `${path}.length`, expected: expected.length, actual: Array.isArray(actual) ? actual.length : actual });
      if (!Array.isArray(actual)) return out;
    }
    expected.forEach((e, i) => i < (actual as unknown[]).length && compare(e, (actual as unknown[])[i], `${path}[${i}]`, out));
    return out;
  }
  if (expected !== null && typeof expected === "object") {
    const a = (actual ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) compare(v, a[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  out.figures++;
  if (expected === actual) return out;
  const tol = toleranceOf(key);
  const diff = { path, expected, actual };
  if (tol && typeof expected === "number" && typeof actual === "number" && Math.abs(expected - actual) <= tol.abs + tol.rel * Math.abs(expected)) {
    out.inexact.push(diff);
  } else {
    out.failures.push(diff);
  }
  return out;
}

/** How elementary a figure is: counts first, then which workflows, rates, quantiles, and derived ones last. */
function rank(d: Difference): number {
  const key = d.path.replace(/\[\d+\]/g, "").split(".").pop() ?? "";
  if (/^(n|runs|exception_runs|live_runs|length)$/.test(key)) return 0;
  if (/^(status|workflow|workflows|excluded|baseline_version|baselineVersion)$/.test(key) || d.path.includes("excluded") || d.path.includes("workflows[")) return 1;
  if (key.endsWith("_rate")) return 2;
  if (key.endsWith("_hours")) return d.path.startsWith("series") ? 5 : 3;
  return 4;
}

/** The smallest differing figure: the most elementary kind, then the shortest path. */
export function smallest<T extends Difference>(ds: T[]): T | undefined {
  return [...ds].sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length || a.path.localeCompare(b.path))[0];
}

export const describeDifference = (d: Difference): string => `${d.path}: expected ${JSON.stringify(d.expected)}, engine ${JSON.stringify(d.actual)}`;
