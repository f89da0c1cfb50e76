import { describe, expect, it } from "vitest";
import { bootstrapCompression, linearTrend, mannWhitney, normalCdf, quantile, seededRandom } from "./stats";

describe("statistics", () => {
  it("computes Mann–Whitney U and its normal-approximation p-value as done by hand", () => {
    // Worked example: A = 19 22 16 29 24, B = 20 11 17 12. Pooled ranks 11→1 12→2 16→3 17→4 19→5
    // 20→6 22→7 24→8 29→9; R_A = 3+5+7+8+9 = 32, U_A = 32 − 5·6/2 = 17, U_B = 20 − 17 = 3.
    // μ = 5·4/2 = 10, σ = √(5·4·10/12) = 4.0825, z = (17 − 10 − 0.5)/4.0825 = 1.5922,
    // p = 2·(1 − Φ(1.5922)) = 2·(1 − 0.94432) = 0.1114.
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(3);
    expect(r.z).toBeCloseTo(1.5922, 3);
    expect(r.p).toBeCloseTo(0.1114, 3);
  });

  it("corrects the variance for ties", () => {
    // A = 1 2 2, B = 2 3 3: ranks 1→1, 2→3 (three ties), 3→5.5; R_A = 1+3+3 = 7, U_A = 1, U_B = 8.
    // Tie term Σ(t³−t) = 24 + 6 = 30; σ² = 3·3/12·(7 − 30/30) = 4.5; z = (3.5 − 0.5)/2.1213 = 1.4142.
    const r = mannWhitney([1, 2, 2], [2, 3, 3]);
    expect(r.u).toBe(1);
    expect(r.z).toBeCloseTo(1.4142, 3);
  });

  it("matches the normal table at 1.96", () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 4);
  });

  it("interpolates quantiles like a spreadsheet's PERCENTILE", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });

  it("fits a trend's slope and its t interval as a hand calculation does", () => {
    // x = 0..4, y = 1 3 2 5 4: x̄ = 2, ȳ = 3, Sxy = 4+0+0+2+2 = 8, Sxx = 10 → b = 0.8, a = 1.4.
    // Residuals −0.4 0.8 −1 1.2 −0.6, SSE = 3.6, se = √(3.6/3/10) = 0.34641, t(3) = 3.182.
    const t = linearTrend([0, 1, 2, 3, 4], [1, 3, 2, 5, 4])!;
    expect(t.slope).toBeCloseTo(0.8, 10);
    expect(t.intercept).toBeCloseTo(1.4, 10);
    expect(t.interval![0]).toBeCloseTo(0.8 - 3.182 * 0.34641, 4);
    expect(t.interval![1]).toBeCloseTo(0.8 + 3.182 * 0.34641, 4);
  });

  it("agrees with a sorted-sample median inside the bootstrap (a constant sample has a zero-width interval)", () => {
    expect(bootstrapCompression([4, 4, 4, 4], [3, 3, 3], { iterations: 50 })).toEqual([0.25, 0.25]);
    expect(bootstrapCompression([1, 2, 3, 4], [1, 2, 3, 4], { iterations: 200 })[0]).toBeLessThan(0);
  });

  it("excludes zero in about 5% of no-change comparisons, not 30%", () => {
    // Both sides drawn from one lognormal-ish distribution: any "compression" is noise.
    const rand = seededRandom(7);
    const draw = () => Math.exp(rand() + rand() + rand());
    const trials = 200;
    let excluded = 0;
    for (let i = 0; i < trials; i++) {
      const a = Array.from({ length: 60 }, draw);
      const b = Array.from({ length: 60 }, draw);
      const [lo, hi] = bootstrapCompression(a, b, { iterations: 400, seed: i });
      if (lo > 0 || hi < 0) excluded++;
    }
    expect(excluded / trials).toBeGreaterThan(0.01);
    expect(excluded / trials).toBeLessThan(0.1);
  });
});
