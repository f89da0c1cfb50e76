import { describe, expect, it } from "vitest";
import { bootstrapCompression, linearTrend, mannWhitney, normalCdf, quantile, formatP, roundP, seededRandom, t95, tQuantile } from "./stats";

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

  it("keeps the normal tail's digits far out, where 1 − Φ used to round to 0", () => {
    // Tables: 1 − Φ(5) = 2.866516e-7, 1 − Φ(6) = 9.865876e-10, 1 − Φ(10) = 7.619853e-24.
    expect(normalCdf(-5) / 2.866516e-7).toBeCloseTo(1, 5);
    expect(normalCdf(-6) / 9.865876e-10).toBeCloseTo(1, 5);
    expect(normalCdf(-10) / 7.619853e-24).toBeCloseTo(1, 5);
  });

  it("gives a positive p-value for two samples that do not overlap at all", () => {
    // 500 vs 500 disjoint values: U = 0, μ = 125,000, σ = √(500·500·1001/12) = 4566.7,
    // z = (125,000 − 0.5)/4566.7 = 27.37: p = 2·(1 − Φ(27.37)) ≈ 1e-164, far below 1e-6 yet not 0.
    const a = Array.from({ length: 500 }, (_, i) => i);
    const b = Array.from({ length: 500 }, (_, i) => 1000 + i);
    const r = mannWhitney(a, b);
    expect(r.z).toBeCloseTo(27.37, 2);
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(1e-100);
  });

  it("rounds a p-value without ever turning a positive one into 0", () => {
    expect(roundP(3.2e-9)).toBe(3.2e-9);
    expect(roundP(1e-200)).toBe(1e-200);
    expect(roundP(0.123456789)).toBe(0.123457);
    expect(roundP(0.0000004)).toBeGreaterThan(0);
    expect(roundP(1)).toBe(1);
  });

  it("prints a p-value below 1e-6 as a bound and larger ones to a sensible precision", () => {
    expect(formatP(0)).toBe("< 0.000001");
    expect(formatP(9.9e-7)).toBe("< 0.000001");
    expect(formatP(1e-6)).toBe("0.000001");
    expect(formatP(0.000123456)).toBe("0.00012");
    expect(formatP(0.0456)).toBe("0.046");
    expect(formatP(1)).toBe("1.000");
  });

  it("matches the Student t table at 0.975 for every df, continuously past 30", () => {
    // Two-sided 95% critical values from a standard t table.
    const table: [number, number][] = [
      [1, 12.706], [2, 4.303], [3, 3.182], [5, 2.571], [10, 2.228], [20, 2.086], [29, 2.045], [30, 2.042],
      [31, 2.04], [40, 2.021], [60, 2.0], [120, 1.98], [1000, 1.962], [Infinity, 1.96],
    ];
    for (const [df, t] of table) expect(Math.abs(t95(df) - t), `df ${df}`).toBeLessThan(0.0005 + 1e-9);
    // Other levels from the same table: t(0.995, 10) = 3.169, t(0.95, 1) = 6.314.
    expect(tQuantile(0.995, 10)).toBeCloseTo(3.169, 3);
    expect(tQuantile(0.95, 1)).toBeCloseTo(6.314, 3);
    // No jump anywhere: the quantile falls with df, by less than 0.002 from df 30 to 31.
    let previous = t95(1);
    for (let df = 1.5; df < 1e6; df *= 1.05) {
      const t = t95(df);
      expect(t).toBeLessThanOrEqual(previous);
      previous = t;
    }
    expect(t95(30) - t95(31)).toBeLessThan(0.003);
  });

  it("interpolates quantiles like a spreadsheet's PERCENTILE", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });

  it("fits a trend's slope and its t interval as a hand calculation does", () => {
    // x = 0..4, y = 1 3 2 5 4: x̄ = 2, ȳ = 3, Sxy = 4+0+0+2+2 = 8, Sxx = 10 → b = 0.8, a = 1.4.
    // Residuals −0.4 0.8 −1 1.2 −0.6, SSE = 3.6, se = √(3.6/3/10) = 0.34641, t(3) = 3.18245 (a five-digit table).
    const t = linearTrend([0, 1, 2, 3, 4], [1, 3, 2, 5, 4])!;
    expect(t.slope).toBeCloseTo(0.8, 10);
    expect(t.intercept).toBeCloseTo(1.4, 10);
    expect(t.interval![0]).toBeCloseTo(0.8 - 3.18245 * 0.34641, 4);
    expect(t.interval![1]).toBeCloseTo(0.8 + 3.18245 * 0.34641, 4);
  });

  it("agrees with a sorted-sample median inside the bootstrap (a constant sample has a zero-width interval)", () => {
    expect(bootstrapCompression([4, 4, 4, 4], [3, 3, 3], { iterations: 50 })).toEqual([0.25, 0.25]);
    expect(bootstrapCompression([1, 2, 3, 4], [1, 2, 3, 4], { iterations: 200 })[0]).toBeLessThan(0);
  });

  it("gives exactly the interval of resamples drawn and sorted one by one, ties and even sizes included", () => {
    // The plain definition: draw each resample's values with the same generator, sort, take the type-7 median.
    const plain = (base: number[], live: number[], iterations: number, seed: number): [number, number] => {
      const rand = seededRandom(seed);
      const median = (v: number[]) => quantile(Array.from(v, () => v[Math.floor(rand() * v.length)]!), 0.5);
      const stats = Array.from({ length: iterations }, () => {
        const mb = median(base);
        const ml = median(live);
        return mb === 0 ? 0 : 1 - ml / mb;
      });
      const sorted = Float64Array.from(stats).sort();
      return [quantile([...sorted], 0.025), quantile([...sorted], 0.975)];
    };
    const rand = seededRandom(11);
    for (let c = 0; c < 40; c++) {
      const ties = c % 2 === 0;
      const sample = () => Array.from({ length: 1 + Math.floor(rand() * 40) }, () => (ties ? Math.floor(rand() * 4) + 1 : rand() * 100));
      const [a, b] = [sample(), sample()];
      expect(bootstrapCompression(a, b, { iterations: 100, seed: c }), `case ${c}`).toEqual(plain(a, b, 100, c));
    }
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
