import { describe, expect, it } from "vitest";
import { isDay, presetWindow, previousWindow, windowProblem } from "./date-window";

// A fixed instant late in a UTC day, so a window computed from local time would show.
const now = new Date("2026-03-15T23:30:00Z");

describe("presetWindow", () => {
  it("counts today as the last of the preset's days", () => {
    expect(presetWindow("7d", now)).toEqual({ from: "2026-03-09", to: "2026-03-15" });
    expect(presetWindow("30d", now)).toEqual({ from: "2026-02-14", to: "2026-03-15" });
    expect(presetWindow("90d", now)).toEqual({ from: "2025-12-16", to: "2026-03-15" });
  });

  it("starts year to date on 1 January and 12 months on the day after the same date a year ago", () => {
    expect(presetWindow("ytd", now)).toEqual({ from: "2026-01-01", to: "2026-03-15" });
    expect(presetWindow("12m", now)).toEqual({ from: "2025-03-16", to: "2026-03-15" });
  });

  it("starts since go-live at the go-live day and refuses one that is missing or still to come", () => {
    expect(presetWindow("go-live", now, "2025-07-01")).toEqual({ from: "2025-07-01", to: "2026-03-15" });
    expect(presetWindow("go-live", now, null)).toHaveProperty("error");
    expect(presetWindow("go-live", now, "2026-04-01")).toHaveProperty("error");
  });
});

describe("previousWindow", () => {
  it("is the period of equal length ending the day before", () => {
    expect(previousWindow({ from: "2026-03-09", to: "2026-03-15" })).toEqual({ from: "2026-03-02", to: "2026-03-08" });
    // 1 January to 15 March 2026 is 74 days; the 74 days before end on 31 December.
    expect(previousWindow({ from: "2026-01-01", to: "2026-03-15" })).toEqual({ from: "2025-10-19", to: "2025-12-31" });
  });

  it("treats a one-day window as one day", () => {
    expect(previousWindow({ from: "2024-03-01", to: "2024-03-01" })).toEqual({ from: "2024-02-29", to: "2024-02-29" });
  });
});

describe("windowProblem", () => {
  it("accepts a valid window and an empty one (the default 30 days)", () => {
    expect(windowProblem({ from: "2026-02-01", to: "2026-03-01" }, now)).toBeUndefined();
    expect(windowProblem({}, now)).toBeUndefined();
  });

  it("refuses from after to, naming both days", () => {
    expect(windowProblem({ from: "2026-03-10", to: "2026-03-01" }, now)).toBe("From (2026-03-10) is after To (2026-03-01): pick a start on or before the end.");
    // Only `from`, after today: `to` defaults to today.
    expect(windowProblem({ from: "2026-03-20" }, now)).toMatch(/^From \(2026-03-20\) is after To \(2026-03-15\)/);
  });

  it("refuses days that are not dates", () => {
    expect(windowProblem({ from: "2026-02-30" }, now)).toBe('From "2026-02-30" is not a date: use YYYY-MM-DD.');
    expect(windowProblem({ to: "yesterday" }, now)).toBe('To "yesterday" is not a date: use YYYY-MM-DD.');
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("2025-02-29")).toBe(false);
  });

  it("refuses ranges beyond the limits", () => {
    expect(windowProblem({ from: "1999-12-31", to: "2000-01-31" }, now)).toMatch(/before 2000-01-01/);
    expect(windowProblem({ to: "2026-03-16" }, now)).toBeUndefined();
    expect(windowProblem({ to: "2026-03-17" }, now)).toMatch(/in the future/);
    // 2020-01-01 to 2026-03-15 is 2,266 days, more than five years.
    expect(windowProblem({ from: "2020-01-01", to: "2026-03-15" }, now)).toBe("The window is 2266 days long; at most 1827 days (five years) are shown at once.");
  });
});
