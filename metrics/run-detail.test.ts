import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runDetail } from "./run-detail";
import { daysAgo, run, step } from "./testing";

const minutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

describe("run detail", () => {
  it("shows a re-delivered run once, its steps on a timeline, outputs with reviews, interventions and classifications", async () => {
    const t = freshTenant();
    const db = await testDb();
    const at = daysAgo(2);
    const r = run(t, { at, hours: 1, outcome: "completed" });
    const draft = step(t, r, {
      step: "draft", actor: "ai", start_time: minutes(at, 5), end_time: minutes(at, 8), request_model: "gpt-4o", model_version: "2024-08",
      prompt_version: "v7", input_tokens: 1200, output_tokens: 300, output_id: "out-1", data_classification: "privileged",
    });
    const review = step(t, r, { step: "review", actor: "human", start_time: minutes(at, 10), end_time: minutes(at, 20), review_outcome: "corrected", review_output_id: "out-1", human_minutes: 10 });
    const fix = step(t, r, { step: "fix", actor: "human", start_time: minutes(at, 30), end_time: minutes(at, 45), intervention: 1, intervention_reason: "wrong client", data_classification: "phi" });
    await commitBatch(db, { runs: [r], steps: [draft, review, fix] });
    // Delivered again: the run with another reason, the draft with more tokens. Each counts once, latest wins.
    await commitBatch(db, { runs: [{ ...r, outcome: "exception", exception_reason: "late" }], steps: [{ ...draft, output_tokens: 350 }] });

    const action = (workflow: string, id: string, kind: string, ago: number) => ({ tenant_id: t, workflow, run_id: r.run_id, action_id: id, action: kind, actor_id: "u1", actor_email: "ops@firm.test", assignee: "", note: "", at: new Date(Date.now() - ago) });
    // Two actions on this run, and one on another workflow's run that shares its id: not this run's history.
    await db.insert("exception_actions", [action("intake", "a1", "acknowledge", 60_000), action("intake", "a2", "resolve", 30_000), action("billing", "a3", "assign", 45_000)]);
    const d = await runDetail(db, { tenantId: t, workflows: null, runId: r.run_id });
    expect(d).toBeDefined();
    expect(d!.history.map((h) => h.action)).toEqual(["acknowledge", "resolve"]);
    expect(d!.run).toMatchObject({ outcome: "exception", reason: "late", exception: 1, straight_through: 0, cycle_seconds: 3600, human_minutes: 10 });
    // Offsets and durations from the run's start, by hand: 5 min, 10 min, 30 min; 3, 10, 15 min.
    expect(d!.steps.map((s) => [s.step, s.offset_seconds, s.duration_seconds])).toEqual([["draft", 300, 180], ["review", 600, 600], ["fix", 1800, 900]]);
    expect(d!.steps[0]).toMatchObject({ model: "gpt-4o", model_version: "2024-08", prompt_version: "v7", input_tokens: 1200, output_tokens: 350 });
    expect(d!.outputs.map((o) => [o.step.output_id, o.reviews.map((v) => v.review_outcome)])).toEqual([["out-1", ["corrected"]]]);
    expect(d!.interventions.map((s) => s.intervention_reason)).toEqual(["wrong client"]);
    expect(d!.classifications).toEqual(["phi", "privileged"]);
    // A live exception: a queue item, resolved by its latest action, opened at the run's end (the earlier of its end and the intervention's, 45 min < 60).
    expect(d!.exception).toMatchObject({ state: "resolved", opened_at: minutes(at, 45).toISOString() });
  });

  it("does not find a run behind the caller's barrier, an unknown run, or a run asked for under another workflow", async () => {
    const t = freshTenant();
    const db = await testDb();
    const r = run(t, { workflow: "billing" });
    await commitBatch(db, { runs: [r] });
    expect(await runDetail(db, { tenantId: t, workflows: ["intake"], runId: r.run_id })).toBeUndefined();
    expect(await runDetail(db, { tenantId: t, workflows: null, runId: "no-such-run" })).toBeUndefined();
    expect(await runDetail(db, { tenantId: t, workflows: null, runId: r.run_id, workflow: "intake" })).toBeUndefined();
    expect(await runDetail(db, { tenantId: freshTenant(), workflows: null, runId: r.run_id })).toBeUndefined();
    expect((await runDetail(db, { tenantId: t, workflows: ["billing"], runId: r.run_id }))?.workflow).toBe("billing");
  });

  it("shows a run still in flight from its steps, with no run record and counted nowhere", async () => {
    const t = freshTenant();
    const db = await testDb();
    const r = run(t);
    await commitBatch(db, { steps: [step(t, r, { actor: "human", intervention: 1, intervention_reason: "stuck" })] });
    const d = await runDetail(db, { tenantId: t, workflows: null, runId: r.run_id });
    expect(d).toMatchObject({ finished: false, run: null, workflow: "intake" });
    expect(d!.steps.length).toBe(1);
    expect(d!.exception).toMatchObject({ reason: "stuck", state: "new" });
  });
});
