import { describe, expect, it } from "vitest";
import { type WeekPoint, didEstimate, parallelTrends } from "./did";
import { seededRandom } from "./stats";

/** Standard normal draws from a seeded uniform (Box–Muller). */
function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const WEEKS = 26;
const EFFECT = -2;
const SHOCK = 3;

/**
 * One simulated comparison: 26 weeks before and after go-live, weekly noise sd 1 on each series. The
 * automation moves the treated series by EFFECT; a shared shock (a new client mix) raises both series
 * by SHOCK from go-live on, so the plain before/after of the treated series is EFFECT + SHOCK.
 * `drift` adds a trend of its own to the control only (a control that violates parallel trends).
 */
function simulate(seed: number, drift = 0): { pre: WeekPoint[]; post: WeekPoint[] } {
  const z = normal(seededRandom(seed));
  const week = (k: number): WeekPoint => {
    const shock = k >= 0 ? SHOCK : 0;
    return { k, treated: 12 + shock + (k >= 0 ? EFFECT : 0) + z(), control: 10 + shock + drift * k + z() };
  };
  const pre = Array.from({ length: WEEKS }, (_, i) => week(i - WEEKS));
  const post = Array.from({ length: WEEKS }, (_, i) => week(i));
  return { pre, post };
}

describe("difference-in-differences", () => {
  it("computes the estimate, both changes and the pre-trend slope as done by hand", () => {
    // Gaps (treated − control) pre: 2, 3, 2, 3 (mean 2.5); post: 0, 1, 0, 1 (mean 0.5): estimate −2.
    // Treated pre mean (12+13+12+13)/4 = 12.5, post (15+16+15+16)/4 = 15.5: change +3.
    // Control pre mean 10, post 15: change +5. 3 − 5 = −2.
    const pre = [-4, -3, -2, -1].map((k, i) => ({ k, treated: 12 + (i % 2), control: 10 }));
    const post = [0, 1, 2, 3].map((k, i) => ({ k, treated: 15 + (i % 2), control: 15 }));
    const r = didEstimate(pre, post)!;
    expect(r.estimate).toBeCloseTo(-2, 10);
    expect(r.treated_change).toBeCloseTo(3, 10);
    expect(r.control_change).toBeCloseTo(5, 10);
    expect(r.interval[0]).toBeLessThanOrEqual(-2);
    expect(r.interval[1]).toBeGreaterThanOrEqual(-2);
    // Gaps 2, 3, 2, 3 against k −4…−1: x̄ = −2.5, ȳ = 2.5; Sxy = (−1.5)(−0.5)+(−0.5)(0.5)+(0.5)(−0.5)+(1.5)(0.5) = 1;
    // Sxx = 5: slope 0.2, well inside its interval (SSE = 0.8, se = √(0.8/2/5) = 0.283, t₀.₉₇₅(2) = 4.303).
    const t = parallelTrends(pre)!;
    expect(t.slope).toBeCloseTo(0.2, 10);
    expect(t.interval[1] - t.slope).toBeCloseTo(4.3027 * Math.sqrt(0.8 / 2 / 5), 3);
    expect(t.parallel).toBe(true);
  });

  it("gives the same interval on every call (seeded)", () => {
    const { pre, post } = simulate(7);
    expect(didEstimate(pre, post)).toEqual(didEstimate(pre, post));
  });

  it("says nothing below 4 weeks on a side", () => {
    const { pre, post } = simulate(8);
    expect(didEstimate(pre.slice(-3), post)).toBeNull();
    expect(didEstimate(pre, post.slice(0, 3))).toBeNull();
    expect(parallelTrends(pre.slice(-3))).toBeNull();
  });

  it("recovers a known effect through a shared shock: the 95% interval covers it in 95% ± 3% of 500 simulations", () => {
    const sims = Number(process.env.PLUMBLINE_DID_SIMULATIONS ?? 500);
    let shown = 0;
    let covered = 0;
    let refused = 0;
    let coveredAll = 0;
    let plainBias = 0;
    for (let s = 1; s <= sims; s++) {
      const { pre, post } = simulate(1000 + s);
      const check = parallelTrends(pre)!;
      const r = didEstimate(pre, post, { iterations: 1000, seed: s })!;
      plainBias += r.treated_change - EFFECT;
      if (r.interval[0] <= EFFECT && EFFECT <= r.interval[1]) coveredAll++;
      if (!check.parallel) {
        refused++;
        continue;
      }
      shown++;
      if (r.interval[0] <= EFFECT && EFFECT <= r.interval[1]) covered++;
    }
    const coverage = covered / shown;
    // Over every simulation too, the intervals the check refused to show included.
    const coverageAll = coveredAll / sims;
    console.log(`DiD simulation: ${sims} simulations, coverage over all ${(coverageAll * 100).toFixed(1)}%, ${shown} shown, coverage of those ${(coverage * 100).toFixed(1)}%, refused by the pre-trend check ${refused}, mean plain before/after bias ${(plainBias / sims).toFixed(3)}`);
    expect(coverage).toBeGreaterThanOrEqual(0.92);
    expect(coverage).toBeLessThanOrEqual(0.98);
    expect(coverageAll).toBeGreaterThanOrEqual(0.92);
    expect(coverageAll).toBeLessThanOrEqual(0.98);
    // A valid control is refused only at the test's own 5% level (here at most 10%).
    expect(refused / sims).toBeLessThan(0.1);
    // The plain before/after carries the shock: its mean error is SHOCK (3), not 0.
    expect(plainBias / sims).toBeGreaterThan(SHOCK - 0.3);
    expect(plainBias / sims).toBeLessThan(SHOCK + 0.3);
  });

  it("refuses a control that drifts away before go-live", () => {
    let refused = 0;
    for (let s = 1; s <= 100; s++) if (!parallelTrends(simulate(5000 + s, 0.15).pre)!.parallel) refused++;
    // Drift 0.15/week over 26 weeks: the slope's standard error is about √2/√1462 = 0.037, so the
    // slope sits about 4 standard errors from 0 and the check refuses nearly every such control.
    expect(refused).toBeGreaterThanOrEqual(95);
  });
});
