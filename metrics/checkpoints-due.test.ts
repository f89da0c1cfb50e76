import { describe, expect, it } from "vitest";
import { checkpointsDue, monthsSinceGoLive } from "./checkpoints-due";
import type { Checkpoint, WorkflowMilestones } from "./milestones";
import type { MilestoneStatus } from "./milestone-status";

const cp = (days: number, passed: boolean, status: MilestoneStatus): Checkpoint => ({ days, date: "", passed, window: { from: "", to: "" }, status, metrics: [] });
const wf = (workflow: string, checkpoints: Checkpoint[]): WorkflowMilestones => ({ workflow, go_live_date: "", baseline_version: 1, checkpoints });

describe("checkpoints met of due", () => {
  it("counts passed checkpoints as due, and unknown ones apart from met and missed", () => {
    const r = checkpointsDue([
      wf("a", [cp(90, true, "met"), cp(182, true, "missed"), cp(365, false, "on track")]),
      wf("b", [cp(90, true, "no data"), cp(182, true, "met"), cp(365, false, "at risk")]),
      wf("c", [cp(90, false, "no data"), cp(182, false, "no data"), cp(365, false, "no data")]),
    ]);
    // Due: a90, a182, b90, b182 = 4; met a90, b182 = 2; missed a182 = 1; unknown b90 = 1; upcoming 5.
    expect(r).toEqual({ due: 4, met: 2, missed: 1, unknown: 1, upcoming: 5 });
  });

  it("has nothing due before any checkpoint is reached", () => {
    expect(checkpointsDue([wf("a", [cp(90, false, "on track")])])).toEqual({ due: 0, met: 0, missed: 0, unknown: 0, upcoming: 1 });
  });

  it("counts whole months of 365.25/12 days since go-live", () => {
    const goLive = new Date(Date.UTC(2000, 0, 1));
    const at = (days: number) => new Date(goLive.getTime() + days * 86_400_000);
    // 30.4375 days a month: day 30 is still month 0, day 31 month 1, day 365.25 month 12.
    expect(monthsSinceGoLive("2000-01-01", at(30))).toBe(0);
    expect(monthsSinceGoLive("2000-01-01", at(31))).toBe(1);
    expect(monthsSinceGoLive("2000-01-01", at(365.25))).toBe(12);
    expect(monthsSinceGoLive("2000-01-01", at(-5))).toBe(0);
  });
});
