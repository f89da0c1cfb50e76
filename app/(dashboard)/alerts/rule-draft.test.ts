import { describe, expect, it } from "vitest";
import { draftOf, validate } from "./rule-draft";

describe("the rule form's draft", () => {
  it("turns percentages and days into the rule the router takes, and back", () => {
    const d = { ...draftOf(), name: "rate", workflow: "client-intake", value: "15", window: "7", windowUnit: "days" as const, emails: "ops@firm.test" };
    const { rule, errors } = validate(d);
    expect(errors).toEqual({});
    expect(rule).toMatchObject({ kind: "threshold", metric: "exception-rate", workflow: "client-intake", op: "gt", value: 0.15, windowMinutes: 10080, recipients: [{ kind: "email", to: "ops@firm.test" }] });
    const again = draftOf(rule ?? undefined);
    expect([again.value, again.window, again.windowUnit, again.emails]).toEqual(["15", "7", "days", "ops@firm.test"]);
  });

  it("names each field's problem in the form's words", () => {
    const { errors } = validate({ ...draftOf(), name: " ", value: "150", window: "0", emails: "not-an-address" });
    expect(errors).toMatchObject({
      name: "Give the rule a name.",
      value: "A rate is a percentage: between 0% and 100%.",
      window: "Enter a whole number above 0.",
      emails: '"not-an-address" is not an e-mail address.',
    });
    expect(validate({ ...draftOf(), kind: "ingest-rejects", name: "r", share: "100" }).errors).toEqual({ share: "Enter a percentage above 0% and below 100%." });
    expect(validate({ ...draftOf(), name: "x", value: "" }).errors).toEqual({ value: "Enter a number." });
  });
});
