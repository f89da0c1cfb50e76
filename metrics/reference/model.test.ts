import { describe, expect, it } from "vitest";
import { SCHEDULE, generateWorld, isBig } from "./world";
import { quantile7, replay } from "./model";

describe("the reference model", () => {
  it("interpolates quantiles as type 7 (numpy's default)", () => {
    // numpy.quantile([1, 2, 3, 4], [0.5, 0.9]) = [2.5, 3.7]; one value is every quantile.
    expect(quantile7([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile7([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile7([5], 0.9)).toBe(5);
  });

  it("generates the same world for the same seed", () => {
    const now = new Date();
    expect(generateWorld(42, "t", now)).toEqual(generateWorld(42, "t", now));
  });

  it("covers the nasty cases over the first 200 seeds", () => {
    const now = new Date();
    const worlds = Array.from({ length: 200 }, (_, i) => generateWorld(i + 1, "t", now));
    const all = worlds.flatMap((w) => w.slots.flatMap((s) => s.runs));
    const steps = worlds.flatMap((w) => w.slots.flatMap((s) => s.steps));
    const stores = worlds.map(replay);
    const runIds = new Set(all.map((r) => `${r.workflow}/${r.phase}/${r.run_id}`));
    expect(worlds.filter((w) => isBig(w.seed)).length).toBeGreaterThanOrEqual(2);
    expect(stores.some((s) => [...s.locks.values()].some((l) => l.runs.length > 8192))).toBe(true);
    expect(stores.some((s) => [...s.locks.values()].some((l) => l.runs.length > 0 && l.runs.length < 30))).toBe(true);
    expect(worlds.some((w) => w.locks.some((l) => l.version === 2))).toBe(true);
    expect(all.length - runIds.size).toBeGreaterThan(100);
    expect(steps.some((s) => !runIds.has(`${s.workflow}/${s.phase}/${s.run_id}`))).toBe(true);
    expect(all.some((r) => r.outcome === "unknown")).toBe(true);
    expect(steps.some((s) => s.intervention === 1) && steps.some((s) => s.actor === "unknown")).toBe(true);
    expect(SCHEDULE.some((e) => e.partial) && SCHEDULE.filter((e) => e.slot === 0).length).toBe(2);
  });
});
