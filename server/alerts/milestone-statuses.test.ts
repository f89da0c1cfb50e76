import { describe, expect, it } from "vitest";
import { milestoneStatuses } from "./milestone-statuses";

const base = { key: "milestones", title: "Milestones", unit: "", status: "ok" as const, headline: { value: null, unit: "", label: "" } };

describe("milestone statuses", () => {
  it("name every checkpoint by workflow and day offset", () => {
    const result = {
      ...base,
      workflows: [
        { workflow: "client-intake", checkpoints: [{ days: 90, status: "met" }, { days: 182, status: "at risk", metrics: [] }] },
        { workflow: "billing", checkpoints: [{ days: 90, status: "no data" }] },
      ],
    };
    expect(milestoneStatuses(result)).toEqual([
      { subject: "client-intake:90d", status: "met" },
      { subject: "client-intake:182d", status: "at_risk" },
      { subject: "billing:90d", status: "no_data" },
    ]);
  });

  it("read nothing from a result of another shape", () => {
    const other = { ...base, workflows: [{ workflow: "x", checkpoints: [{ days: 90, status: "green" }] }] };
    expect(milestoneStatuses(other)).toEqual([]);
  });
});
