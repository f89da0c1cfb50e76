import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { BusinessPointRow } from "@/ingest/rows";
import { addMonths, monthStart } from "@/metrics/business-months";
import { describeRule } from "./condition";
import { Dispatcher } from "./dispatcher";
import { alertHistory } from "./episodes";
import { AlertEvaluator } from "./evaluator";
import type { MetricRunner } from "./metric-runner";
import { ruleSpec } from "./rule";
import { ruleStates } from "./rule-state";
import { createRule } from "./rules";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const noMetrics: MetricRunner = () => Promise.reject(new Error("a business rule runs no registered metric"));
const THIS_MONTH = new Date().toISOString().slice(0, 7);
// Go-live four months ago: the baseline year is the twelve months before it, and a 90-day rule
// compares the last three complete months, G+1…G+3, with the baseline year's G-11…G-9.
const G = addMonths(THIS_MONTH, -4);
const m = (n: number) => addMonths(G, n);

/** A month's figure as the monthly import stores it: a delta (amount) or a gauge (level) at the month's start. */
function figure(tenant: string, measure: string, month: string, value: number, temporality: "delta" | "gauge" = "delta"): BusinessPointRow {
  const t = monthStart(month).getTime();
  return { tenant_id: tenant, measure, series: "", dimensions: {}, temporality, start_time: t, time: t, value, origin: "import" };
}

const churnRule = (name: string, op: "gt" | "lt", value: number) => ({ kind: "threshold", name, metric: "client-churn", op, value, windowMinutes: 90 * 1440 });

describe("threshold rules on business outcomes", () => {
  it("fires on the change of client churn against the same months of the baseline year, and shows insufficient data as such", async () => {
    const t = freshTenant();
    await db.insert("workflows", [{ tenant_id: t, workflow: "intake", go_live_date: `${G}-01`, updated_by: "test" }]);
    const rows: BusinessPointRow[] = [];
    // Baseline year: 200 active clients a month; the months matching G+1…G+3 lose 4, 6 and 2, every other month 20.
    for (let i = -12; i < 0; i++) {
      rows.push(figure(t, "business.clients.active", m(i), 200, "gauge"), figure(t, "business.clients.lost", m(i), ({ [-11]: 4, [-10]: 6, [-9]: 2 } as Record<number, number>)[i] ?? 20));
    }
    // Live: 200, 250 and 150 active clients lose 10, 10 and 6.
    [[200, 10], [250, 10], [150, 6]].forEach(([active, lost], i) => rows.push(figure(t, "business.clients.active", m(i + 1), active!, "gauge"), figure(t, "business.clients.lost", m(i + 1), lost!)));
    await commitBatch(db, { businessPoints: rows });

    const actor = { tenantId: t, actorId: "admin" };
    // By hand: live 26/600, baseline (4 + 6 + 2)/600, so churn rose by 14/600 = 2.33 points.
    const fires = await createRule(db, actor, churnRule("churn up 2 points", "gt", 0.02));
    const quiet = await createRule(db, actor, churnRule("churn up 3 points", "gt", 0.03));
    // No intake figures at all: nothing to judge.
    const unknown = await createRule(db, actor, { ...churnRule("conversion down", "lt", -0.05), metric: "intake-conversion" });
    const dispatcher = new Dispatcher({ db, log: () => undefined });
    const evaluator = new AlertEvaluator({ db, runMetric: noMetrics, dispatcher, publicUrl: "https://plumbline.example", log: () => undefined });
    // A firm with figures but no go-live and no declared year has nothing to compare with.
    const noYear = freshTenant();
    await commitBatch(db, { businessPoints: rows.map((r) => ({ ...r, tenant_id: noYear })) });
    const orphan = await createRule(db, { tenantId: noYear, actorId: "admin" }, churnRule("churn without a year", "gt", 0));
    // Other rules in the store (a shared server) are evaluated too: only this test's tenants are asserted.
    await evaluator.tick(new Date(Date.now() + 60_000));

    const [episode] = await alertHistory(db, t, { ruleId: fires.ruleId });
    expect(episode).toMatchObject({ subject: "firm", state: "open" });
    expect(episode?.openValue).toBeCloseTo(14 / 600, 12);
    expect(episode?.summary).toContain("2.3 points");
    const states = await ruleStates(db, t, [fires, quiet, unknown]);
    expect(states.get(fires.ruleId)?.state).toBe("firing");
    expect(states.get(quiet.ruleId)?.text).toBe("ok");
    expect(states.get(unknown.ruleId)?.state).toBe("insufficient_data");
    expect(states.get(unknown.ruleId)?.text).toMatch(/^not evaluating: insufficient data \(Intake conversion: 0 month\(s\) have figures/);
    const [orphanState] = (await ruleStates(db, noYear, [orphan])).values();
    expect(orphanState?.text).toMatch(/^not evaluating: insufficient data \(.*No baseline year/);
    expect(await alertHistory(db, noYear)).toEqual([]);
  });

  it("refuses a business rule on a workflow, or with a window shorter than three months, in words", () => {
    const spec = { ...churnRule("churn", "gt", 0.01), workflow: "intake", windowMinutes: 30 * 1440 };
    const parsed = ruleSpec.safeParse(spec);
    expect(parsed.success).toBe(false);
    const messages = Object.fromEntries((parsed.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(messages.workflow).toMatch(/firm's figures/);
    expect(messages.windowMinutes).toMatch(/at least 90 days/);
    expect(ruleSpec.safeParse({ ...spec, workflow: undefined, windowMinutes: 90 * 1440 }).success).toBe(true);
    // A registered metric keeps its workflow and any window.
    expect(ruleSpec.safeParse({ ...spec, metric: "exception-rate" }).success).toBe(true);
  });

  it("describes a business rule by its change, its unit and its months", () => {
    const spec = ruleSpec.parse({ ...churnRule("churn", "gt", 0.015), windowMinutes: 180 * 1440 });
    expect(describeRule(spec)).toBe("change in client churn against the baseline year above 1.5 points over the last 6 complete months");
    const revenue = ruleSpec.parse({ ...churnRule("rev", "lt", -500), metric: "revenue-per-fte" });
    expect(describeRule(revenue)).toBe("change in revenue per FTE against the baseline year below -500 per FTE a month over the last 3 complete months");
  });
});
