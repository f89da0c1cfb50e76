import { describe, expect, it } from "vitest";
import { insideBarrier, mayReadScope, workflowNamesIn } from "./barrier";

describe("workflow names in an input", () => {
  it("are found at any depth, in objects and arrays, as one name or a list", () => {
    const input = {
      tenant: "firm",
      rule: { kind: "threshold", workflow: "billing" },
      filters: [{ workflow: "intake" }, { other: { workflows: ["tax", 7, null] } }],
      workflow: "probate",
    };
    expect(workflowNamesIn(input).sort()).toEqual(["billing", "intake", "probate", "tax"]);
    expect(workflowNamesIn(undefined)).toEqual([]);
    expect(workflowNamesIn({ workflowName: "x", note: "workflow" })).toEqual([]);
  });

  it("survive nesting far deeper than a stack allows, and refuse an input too big to walk", () => {
    let deep: unknown = { workflow: "billing" };
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    expect(workflowNamesIn(deep)).toEqual(["billing"]);
    const huge = { items: Array.from({ length: 200_000 }, () => 1) };
    expect(insideBarrier(["intake"], workflowNamesIn(huge))).toBe(false);
    expect(insideBarrier(null, workflowNamesIn(huge))).toBe(true);
  });
});

describe("a barrier", () => {
  it("allows names inside it, and firm-wide data only to a member without one", () => {
    expect(insideBarrier(["intake"], ["intake"])).toBe(true);
    expect(insideBarrier(["intake"], ["intake", "billing"])).toBe(false);
    expect(insideBarrier([], [])).toBe(true);
    expect(mayReadScope(["intake"], "intake")).toBe(true);
    expect(mayReadScope(["intake"], undefined)).toBe(false);
    expect(mayReadScope(null, undefined)).toBe(true);
  });
});
