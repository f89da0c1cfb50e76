import { describe, expect, it } from "vitest";
import { proportionDifference, wilson } from "./proportion-interval";

describe("proportion intervals", () => {
  it("match Newcombe's (1998) worked examples", () => {
    // Newcombe, Statistics in Medicine 17:873–890, Table I and Table II (rounded to 4 places there).
    const w = wilson(81, 263)!;
    expect(w[0]).toBeCloseTo(0.2553, 4);
    expect(w[1]).toBeCloseTo(0.3662, 4);
    const zero = wilson(0, 10)!;
    expect(zero[0]).toBe(0);
    expect(zero[1]).toBeCloseTo(0.2775, 4);
    // Example (a) of Table II: 56/70 − 48/80, method 10: +0.0524 to +0.3339.
    const d = proportionDifference(56, 70, 48, 80)!;
    expect(d[0]).toBeCloseTo(0.0524, 4);
    expect(d[1]).toBeCloseTo(0.3339, 4);
  });

  it("is unknown without trials", () => {
    expect(wilson(0, 0)).toBeNull();
    expect(proportionDifference(1, 2, 0, 0)).toBeNull();
  });
});
