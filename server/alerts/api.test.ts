import { describe, expect, it } from "vitest";
import { ruleInput, ruleUpdate } from "./api";
import { ruleSpec } from "./rule";

describe("the alerts API inputs", () => {
  it("accept a webhook without a secret, which the stored rule schema does not", () => {
    const rule = { kind: "stale-source", name: "Stale", recipients: [{ kind: "webhook", url: "https://hooks.example/a", format: "teams" }] };
    expect(ruleInput.safeParse(rule).success).toBe(true);
    expect(ruleSpec.safeParse(rule).success).toBe(false);
  });

  it("reject an unknown metric and a non-uuid rule id", () => {
    expect(ruleInput.safeParse({ kind: "threshold", name: "x", metric: "happiness", op: "gt", value: 1 }).success).toBe(false);
    expect(ruleUpdate.safeParse({ ruleId: "1", rule: { kind: "stale-source", name: "x" } }).success).toBe(false);
  });
});
