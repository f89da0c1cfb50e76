import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { RunRow } from "@/ingest/rows";
import { addDays, dayString } from "@/metrics/scope";
import { TODAY, lockForTest, run } from "@/metrics/testing";
import { describeRule } from "./condition";
import type { MetricRunner } from "./metric-runner";
import { evaluateRule } from "./observe";
import { type Rule, ruleSpec } from "./rule";

const noMetrics: MetricRunner = () => Promise.reject(new Error("the pilot-trap rule runs the detector itself"));
const HOUR = 3_600_000;
const t = freshTenant();
let db: Db;

const rule = (over: object = {}): Rule => ({
  tenantId: t,
  ruleId: "r1",
  spec: ruleSpec.parse({ kind: "pilot-trap", name: "pilot trap", ...over }),
  updatedAt: new Date(),
  updatedBy: "test",
});

beforeAll(async () => {
  db = await testDb();
  // Two live workflows with the same locked baseline (40 runs over 313 hours) and 5 live runs each;
  // "trapped" declares 5 runs a week still done by hand, "quiet" declares none.
  const goLive = addDays(TODAY, -40);
  const runs: RunRow[] = [];
  for (const workflow of ["trapped", "quiet"]) {
    for (let i = 0; i < 40; i++) runs.push(run(t, { workflow, phase: "baseline", at: new Date(addDays(goLive, -14).getTime() + i * 8 * HOUR) }));
    for (let i = 0; i < 5; i++) runs.push(run(t, { workflow, at: new Date(addDays(TODAY, -10 + i).getTime() + 9 * HOUR) }));
  }
  await db.insert("runs", runs);
  for (const workflow of ["trapped", "quiet"]) await lockForTest(db, t, workflow, goLive);
  await db.insert("workflows", [
    { tenant_id: t, workflow: "trapped", go_live_date: dayString(goLive), manual_runs_per_week: 5 },
    { tenant_id: t, workflow: "quiet", go_live_date: dayString(goLive) },
  ]);
});

describe("the pilot-trap alert rule", () => {
  it("defaults to a 30-day window checked hourly, and reads as a sentence", () => {
    const r = rule();
    expect(r.spec).toMatchObject({ windowMinutes: 30 * 1440, intervalMinutes: 60 });
    expect(describeRule(r.spec)).toBe("any live workflow showing the pilot trap (a sign that the manual process still runs beside it) over 30 days");
  });

  it("fires for the workflow with a flagged sign, with its evidence, and observes the other as not firing", async () => {
    const e = await evaluateRule(db, noMetrics, rule(), new Date());
    expect(e.insufficient).toBeNull();
    const bySubject = Object.fromEntries(e.observations.map((o) => [o.subject, o]));
    expect(bySubject.trapped).toMatchObject({ firing: true, value: 1 });
    expect(bySubject.trapped?.summary).toContain("live volume low while manual work persists");
    expect(bySubject.trapped?.summary).toContain("5 a week declared");
    expect(bySubject.quiet).toMatchObject({ firing: false, value: 0 });
  });

  it("reads only its own workflow when it names one", async () => {
    const e = await evaluateRule(db, noMetrics, rule({ workflow: "quiet" }), new Date());
    expect(e.observations.map((o) => o.subject)).toEqual(["quiet"]);
  });
});
