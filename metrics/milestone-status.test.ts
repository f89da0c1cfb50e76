import { describe, expect, it } from "vitest";
import { RANGES, project } from "./milestone-status";

const week = (k: number) => new Date(Date.UTC(2026, 0, 5) + k * 604_800_000);
const series = (values: number[], n?: number) => values.map((value, k) => ({ week: week(k).toISOString(), value, ...(n === undefined ? {} : { n }) }));

describe("projecting a milestone metric", () => {
  it("never projects compression above 100%", () => {
    // 0.3, 0.5, 0.7, 0.9 over weeks 0–3: the line is 0.3 + 0.2·k, 2.3 at week 10; compression stops at 1.
    const p = project(series([0.3, 0.5, 0.7, 0.9], 40), 0.9, week(10))!;
    expect(p).toMatchObject({ method: "weekly trend", value: 1 });
    expect(p.slope_per_week).toBeCloseTo(0.2, 9);
  });

  it("keeps a negative compression (live slower than the baseline) as the line gives it", () => {
    // −0.1 − 0.1·k reaches −1.1 at week 10; compression has no lower bound.
    expect(project(series([-0.1, -0.2, -0.3, -0.4], 40), -0.4, week(10))!.value).toBeCloseTo(-1.1, 9);
  });

  it("never projects a rate below 0 or above 1", () => {
    // 0.10 − 0.02·k is −0.10 at week 10; 0.5 + 0.2·k is 2.5.
    expect(project(series([0.1, 0.08, 0.06, 0.04], 40), 0.04, week(10), RANGES.rate)!.value).toBe(0);
    expect(project(series([0.5, 0.7, 0.9, 1], 40), 1, week(10), RANGES.rate)!.value).toBe(1);
    expect(project([], 1.2, week(10), RANGES.rate)!.value).toBe(1);
  });

  it("never projects negative hours, and leaves hours unbounded above", () => {
    expect(project(series([300, 200, 100, 50], 40), 50, week(10), RANGES.hours)!.value).toBe(0);
    // 100 + 100·k is 1,100 at week 10.
    expect(project(series([100, 200, 300, 400], 40), 400, week(10), RANGES.hours)!.value).toBeCloseTo(1100, 6);
  });

  it("draws no line through fewer than four weeks, or through weeks of a run or two", () => {
    expect(project(series([0.1, 0.2, 0.3], 40), null, week(10))).toBeNull();
    expect(project(series([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 1), null, week(10))).toBeNull();
    expect(project([], null, week(10))).toBeNull();
    // Six weeks, of which only three have five runs or more: still no trend.
    const mixed = series([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]).map((w, k) => ({ ...w, n: k % 2 === 0 ? 12 : 2 }));
    expect(project(mixed, null, week(10))).toBeNull();
  });

  it("falls back to the measured current value, labelled as such, when the trend is too thin", () => {
    expect(project(series([0.1, 0.2, 0.3], 40), 0.25, week(10))).toEqual({ method: "current 30-day value", value: 0.25, slope_per_week: null });
  });
});
