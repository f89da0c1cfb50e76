import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { exceptionsPastSla } from "@/server/alerts/exceptions-past-sla";
import { exceptionQueue } from "@/server/routers/exception-queue";
import type { ComplianceResult } from "./compliance";
import { runMetric } from "./registry";
import { scopeOf } from "./scope";
import { daysAgo, run, step } from "./testing";

// Runs start at T0 and end an hour later: every exception below is opened at T0 + 60 min.
const T0 = daysAgo(2, 8);
const min = (m: number) => new Date(T0.getTime() + m * 60_000);
const asOf = min(600);

async function setUp(t: string) {
  const db = await testDb();
  await db.insert("workflows", [{ tenant_id: t, workflow: "intake", exception_sla_minutes: 120 }]);
  const [reopened, onTime, late] = [0, 1, 2].map(() => run(t, { at: T0, outcome: "exception" }));
  const clean = run(t, { at: T0 });
  // The intervention step is delivered twice; it is one exception.
  const fix = step(t, clean, { actor: "human", intervention: 1, start_time: min(30), end_time: min(60) });
  await commitBatch(db, { runs: [reopened!, onTime!, late!, clean], steps: [fix] });
  await commitBatch(db, { runs: [late!], steps: [fix] });
  const act = (r: { run_id: string }, id: string, action: string, m: number) => ({ tenant_id: t, workflow: "intake", run_id: r.run_id, action_id: id, action, actor_id: "u", note: action, at: min(m) });
  await db.insert("exception_actions", [
    act(reopened!, "a1", "resolve", 100),
    act(reopened!, "a2", "reopen", 150),
    act(onTime!, "a3", "resolve", 120),
    act(late!, "a4", "resolve", 300),
    act(clean, "a5", "resolve", 90),
    act(clean, "a6", "reopen", 95),
    act(clean, "a7", "resolve", 170),
  ]);
  return { reopened: reopened!.run_id, onTime: onTime!.run_id, late: late!.run_id, clean: clean.run_id };
}

const windowOf = (t: string) => {
  const s = scopeOf({ tenantId: t, asOf });
  return { params: s.params, from: s.from, to: s.to, asOf };
};

describe("open exception and SLA age, one definition", () => {
  it("a reopened exception is open in the queue, in compliance and in the alert", async () => {
    const t = freshTenant();
    const ids = await setUp(t);
    const db = await testDb();
    const open = await exceptionQueue(db, { window: windowOf(t), states: ["new", "acknowledged", "assigned"], limit: null });
    expect(open.map((q) => q.run_id)).toEqual([ids.reopened]);
    const c = (await runMetric(db, "compliance", { tenantId: t, asOf })) as ComplianceResult;
    // Open: the reopened run only, 540 min old at T0 + 600 (past the 120-min SLA): 9 h.
    expect(c.open_exceptions).toEqual({ open: 1, past_sla: 1, oldest_past_sla_hours: 9 });
    const alert = await exceptionsPastSla(db, t, daysAgo(3, 0), asOf);
    expect(alert).toEqual([{ workflow: "intake", slaMinutes: 120, pastSla: 1, oldestMinutes: 540 }]);
  });

  it("takes a run's latest delivery: an exception corrected to completed is no item, the reverse is one", async () => {
    const t = freshTenant();
    const db = await testDb();
    const corrected = run(t, { at: T0, outcome: "exception", exception_reason: "first look" });
    const turned = run(t, { at: T0 });
    await commitBatch(db, { runs: [corrected, turned] });
    await commitBatch(db, { runs: [{ ...corrected, outcome: "completed", exception_reason: "" }, { ...turned, outcome: "exception", exception_reason: "second look" }] });
    const all = await exceptionQueue(db, { window: windowOf(t), states: ["new", "acknowledged", "assigned", "resolved"], limit: null });
    expect(all.map((q) => [q.run_id, q.reason])).toEqual([[turned.run_id, "second look"]]);
  });

  it("keeps each run's item between reads: in flight, corrected, and retired when its flag goes", async () => {
    const t = freshTenant();
    const db = await testDb();
    const all = async () =>
      (await exceptionQueue(db, { window: windowOf(t), states: ["new", "acknowledged", "assigned", "resolved"], limit: null })).map((q) => [q.run_id, q.opened_at, q.reason]);
    const flown = run(t, { at: T0 });
    const late = run(t, { at: T0, outcome: "exception", exception_reason: "bad data" });
    // Only the intervention step of `flown` has arrived (its run is in flight), ending at T0 + 20.
    const fix = step(t, flown, { actor: "human", intervention: 1, intervention_reason: "manual check", start_time: min(10), end_time: min(20) });
    await commitBatch(db, { runs: [late], steps: [fix] });
    // The first read derives the tenant whole; each read after it derives only what was written since.
    expect(await all()).toEqual([
      [flown.run_id, min(20).toISOString(), "manual check"],
      [late.run_id, min(60).toISOString(), "bad data"],
    ]);
    // The run record arrives (completed), and `late` is resent as completed: one item left, still opened by its step.
    await commitBatch(db, { runs: [flown, { ...late, outcome: "completed", exception_reason: "" }] });
    expect(await all()).toEqual([[flown.run_id, min(20).toISOString(), "manual check"]]);
    // The step is resent as no intervention: nothing flags the run any more.
    await commitBatch(db, { steps: [{ ...fix, intervention: 0, intervention_reason: "" }] });
    expect(await all()).toEqual([]);
    // And resent as one again, stamped a day earlier (another day than any row written before): opened at its new end.
    await commitBatch(db, { steps: [{ ...fix, start_time: min(10 - 24 * 60), end_time: min(20 - 24 * 60) }] });
    expect(await all()).toEqual([[flown.run_id, min(20 - 24 * 60).toISOString(), "manual check"]]);
  });

  it("measures a resolved exception's age to its resolution, not to now", async () => {
    const t = freshTenant();
    const ids = await setUp(t);
    const all = await exceptionQueue(await testDb(), { window: windowOf(t), states: ["new", "acknowledged", "assigned", "resolved"], limit: null });
    const by = new Map(all.map((q) => [q.run_id, q]));
    // Opened at T0 + 60. Resolved at T0 + 120: 60 min, 60 left of the SLA. Resolved at T0 + 300: 240 min, breached by 120.
    expect(by.get(ids.onTime)).toMatchObject({ state: "resolved", age_minutes: 60, sla_left_minutes: 60 });
    expect(by.get(ids.late)).toMatchObject({ state: "resolved", age_minutes: 240, sla_left_minutes: -120 });
    // The intervention was resolved, reopened and resolved again at T0 + 170: its age runs to the last resolve.
    expect(by.get(ids.clean)).toMatchObject({ state: "resolved", age_minutes: 110, sla_left_minutes: 10 });
    expect(by.get(ids.clean)?.resolved_at).toBe(new Date(T0.getTime() + 170 * 60_000).toISOString());
    // Still open: 540 min at as-of.
    expect(by.get(ids.reopened)).toMatchObject({ state: "new", age_minutes: 540, sla_left_minutes: -420, resolved_at: null });
    expect(all).toHaveLength(4);
  });

  it("keeps another tenant's and a barred workflow's exceptions out", async () => {
    const t = freshTenant();
    await setUp(t);
    const barred = scopeOf({ tenantId: t, workflows: ["billing"], asOf });
    const q = await exceptionQueue(await testDb(), { window: { params: barred.params, from: barred.from, to: barred.to, asOf }, states: ["new", "resolved"], limit: null });
    expect(q).toEqual([]);
    const other = await exceptionQueue(await testDb(), { window: windowOf(freshTenant()), states: ["new", "resolved"], limit: null });
    expect(other).toEqual([]);
  });
});
