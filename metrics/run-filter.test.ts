import { describe, expect, it } from "vitest";
import { runFilterFromQuery } from "./run-filter";

describe("run filter from a URL", () => {
  it("reads runsHref's query back, booleans included", () => {
    expect(runFilterFromQuery({ workflow: "intake", phase: "live", exception: "true", reason: "late", from: "2026-01-01", to: "2026-01-31", tenant: "demo" })).toEqual({
      filter: { workflow: "intake", phase: "live", exception: true, reason: "late", from: "2026-01-01", to: "2026-01-31" },
      problems: [],
    });
    expect(runFilterFromQuery({ exception: ["false", "true"] }).filter).toEqual({ exception: false });
    expect(runFilterFromQuery({ workflows: "one" }).filter).toEqual({ workflows: ["one"] });
  });

  it("names and drops a bad field instead of failing, and refuses an inverted range", () => {
    const bad = runFilterFromQuery({ phase: "later", actor: "ai", from: "yesterday" });
    expect(bad.filter).toEqual({ actor: "ai" });
    expect(bad.problems.map((p) => p.split(":")[0])).toEqual(["phase", "from"]);
    const inverted = runFilterFromQuery({ from: "2026-02-01", to: "2026-01-01" });
    expect(inverted.filter).toEqual({});
    expect(inverted.problems).toEqual(["from: the first day is after the last"]);
  });
});
