import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { RunRow } from "@/ingest/rows";
import { runMetric } from "@/metrics/registry";
import { daysAgo, run } from "@/metrics/testing";
import { Dispatcher } from "./dispatcher";
import { alertHistory } from "./episodes";
import { AlertEvaluator } from "./evaluator";
import { ruleStates } from "./rule-state";
import { createRule, listRules } from "./rules";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

/** `perDay` runs on each of the days `from` to `to` days ago, the first `exceptions(day)` of them exceptions. */
function days(tenant: string, workflow: string, from: number, to: number, perDay: number, exceptions: (ago: number) => number = () => 0): RunRow[] {
  const rows: RunRow[] = [];
  for (let ago = from; ago >= to; ago--) {
    for (let i = 0; i < perDay; i++) rows.push(run(tenant, { workflow, at: daysAgo(ago, 8 + (i % 10)), outcome: i < exceptions(ago) ? "exception" : "completed" }));
  }
  return rows;
}

/** Each rule's state in words by name (the evaluator ticks every tenant's rules, so its counts are not this test's). */
async function states(tenantId: string): Promise<Record<string, string>> {
  const rules = await listRules(db, tenantId);
  const by = await ruleStates(db, tenantId, rules);
  return Object.fromEntries(rules.map((r) => [r.spec.name, by.get(r.ruleId)?.text ?? ""]));
}

const evaluator = () => new AlertEvaluator({ db, runMetric, dispatcher: new Dispatcher({ db, log: () => undefined }), publicUrl: "https://plumbline.example", log: () => undefined });

describe("anomaly rules through the evaluator", () => {
  it("fires for a day of zero runs and for a jump in exception rate, and not for the same series kept steady", async () => {
    const tenantId = freshTenant();
    // 20 runs a day for five weeks; "broken" has none yesterday, "jumpy" had 12 exceptions in 20 on its last two days.
    await db.insert("runs", [
      ...days(tenantId, "steady", 35, 1, 20, () => 2),
      ...days(tenantId, "broken", 35, 2, 20),
      ...days(tenantId, "jumpy", 35, 1, 20, (ago) => (ago <= 2 ? 12 : 2)),
    ]);
    const rule = (name: string, series: "run-volume" | "exception-rate", workflow: string) =>
      createRule(db, { tenantId, actorId: "u-admin" }, { kind: "anomaly", name, series, workflow });
    await rule("steady volume", "run-volume", "steady");
    await rule("steady rate", "exception-rate", "steady");
    await rule("broken volume", "run-volume", "broken");
    await rule("jumpy rate", "exception-rate", "jumpy");

    // Now: yesterday is the last complete day (a rule judged before its last change would not count).
    await evaluator().tick(new Date());
    expect(await states(tenantId)).toEqual({ "steady volume": "ok", "steady rate": "ok", "broken volume": "firing: broken", "jumpy rate": "firing: jumpy" });
    const open = await alertHistory(db, tenantId, { state: "open" });
    expect(open.map((e) => e.subject).sort()).toEqual(["broken", "jumpy"]);
    // Every earlier day had 20 runs: expected 20, spread the Poisson floor √20 = 4.47, so the medium band is 20 ± 13.4 = 6.6–33.4.
    expect(open.find((e) => e.subject === "broken")?.summary).toContain("run volume of broken was 0 runs");
    expect(open.find((e) => e.subject === "broken")?.summary).toContain("below the expected band 7 runs–33 runs");
    // 2 in 20 = 10% every earlier day; 12 in 20 = 60% is far above a band of 10% ± 3 × 0.5%.
    expect(open.find((e) => e.subject === "jumpy")?.summary).toContain("was 60% on");
    expect(open.find((e) => e.subject === "jumpy")?.openValue).toBeCloseTo(0.6, 6);
  });

  it("does not judge a series with less than three weeks of history (insufficient data, nothing fires)", async () => {
    const tenantId = freshTenant();
    await db.insert("runs", days(tenantId, "new", 10, 2, 20));
    await createRule(db, { tenantId, actorId: "u-admin" }, { kind: "anomaly", name: "new volume", series: "run-volume", workflow: "new" });
    await evaluator().tick(new Date());
    expect(await states(tenantId)).toEqual({ "new volume": "not evaluating: insufficient data (fewer than 3 weeks of run volume history to learn what is normal)" });
  });
});
