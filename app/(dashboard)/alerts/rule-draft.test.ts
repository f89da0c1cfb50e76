import { describe, expect, it } from "vitest";
import { OUTCOME_KEYS, OUTCOMES } from "@/metrics/business-outcome-defs";
import { THRESHOLD_METRICS } from "@/server/alerts/business-metric";
import { draftOf, validate, withKind, withMetric } from "./rule-draft";

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

  it("offers every business outcome as a metric, typed in points, firm-wide and over whole months", () => {
    const business = THRESHOLD_METRICS.filter((m) => m in OUTCOMES);
    expect(business).toEqual(OUTCOME_KEYS);
    const d = { ...draftOf(), name: "churn", metric: "client-churn" as const, op: "gt", value: "1.5", window: "90", windowUnit: "days" as const };
    const { rule, errors } = validate(d);
    expect(errors).toEqual({});
    expect(rule).toMatchObject({ metric: "client-churn", value: 0.015, windowMinutes: 90 * 1440 });
    expect(draftOf(rule ?? undefined).value).toBe("1.5");
    expect(validate({ ...d, value: "-5" }).rule).toMatchObject({ value: -0.05 });
    expect(validate({ ...d, value: "-150" }).errors).toEqual({ value: "A change of a share is in percentage points: between -100 and 100." });
    expect(validate({ ...d, workflow: "client-intake", window: "30" }).errors).toEqual({
      workflow: "Business outcomes are the firm's figures, not a workflow's: leave the workflow empty.",
      window: "A business outcome is compared over whole months: the window must be at least 90 days (3 months).",
    });
    expect(validate({ ...d, metric: "incidents-per-month", value: "-2" }).rule).toMatchObject({ value: -2 });
  });

  it("choosing a business outcome clears the workflow and lengthens a short window to 90 days, so the form does not refuse what it filled in", () => {
    const d = { ...draftOf(), workflow: "client-intake", window: "1", windowUnit: "days" as const };
    const business = withMetric(d, "client-churn");
    expect(business).toMatchObject({ metric: "client-churn", workflow: "", window: "90", windowUnit: "days" });
    expect(validate({ ...business, name: "churn", value: "1" }).errors).toEqual({});
    // A window already long enough is kept, in its own unit; an operational metric changes nothing else.
    expect(withMetric({ ...d, window: "4000", windowUnit: "hours" }, "client-churn")).toMatchObject({ window: "4000", windowUnit: "hours" });
    expect(withMetric(d, "cycle-time")).toEqual({ ...d, metric: "cycle-time" });
  });

  it("checks a new anomaly or business rule hourly and an operational one every 5 minutes, unless the interval was changed", () => {
    const d = draftOf();
    expect(d.interval).toBe("5");
    expect(withKind(d, "anomaly").interval).toBe("60");
    expect(withKind(withKind(d, "anomaly"), "stale-source").interval).toBe("5");
    expect(withMetric(d, "client-churn").interval).toBe("60");
    expect(withMetric(withMetric(d, "client-churn"), "exception-rate").interval).toBe("5");
    expect(withKind({ ...d, interval: "15" }, "anomaly").interval).toBe("15");
  });
});
