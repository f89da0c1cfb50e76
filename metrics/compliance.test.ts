import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric, type MetricInput } from "./registry";
import type { ComplianceResult } from "./compliance";
import { complianceDetail } from "./compliance-detail";
import { scopeOf } from "./scope";
import { daysAgo, run, step } from "./testing";

const comply = async (input: MetricInput) => (await runMetric(await testDb(), "compliance", input)) as ComplianceResult;

const T0 = daysAgo(2, 8);
const min = (m: number) => new Date(T0.getTime() + m * 60_000);
const asOf = min(600);

async function setUp(t: string) {
  const db = await testDb();
  await db.insert("workflows", [
    { tenant_id: t, workflow: "intake", review_sla_minutes: 60, exception_sla_minutes: 120, approved_models: JSON.stringify({ phi: ["m-ok"] }) },
  ]);
  const runs = [0, 1, 2, 3].map(() => run(t, { at: T0 }));
  const doc = { model_version: "v1", prompt_version: "p1" };
  const ai = (i: number, over: Parameters<typeof step>[2]) => step(t, runs[i]!, { actor: "ai", end_time: min(10), ...over });
  const exA = run(t, { at: T0, outcome: "exception" });
  const exB = run(t, { at: T0 });
  const exC = run(t, { at: T0, outcome: "exception" });
  await commitBatch(db, {
    runs: [...runs, exA, exB, exC],
    steps: [
      ai(0, { request_model: "m-ok", data_classification: "phi", output_id: "o1", review_required: 1, ...doc }),
      ai(1, { request_model: "m-bad", data_classification: "phi", output_id: "o2", review_required: 1, ...doc }),
      ai(2, { request_model: "m-ok", data_classification: "privileged", output_id: "o3", review_required: 1, model_version: "v1" }),
      ai(3, { request_model: "m-x", data_classification: "internal", ...doc }),
      step(t, runs[0]!, { actor: "human", step: "review", review_outcome: "approved", review_output_id: "o1", start_time: min(20), end_time: min(40) }),
      step(t, runs[1]!, { actor: "human", step: "review", review_outcome: "corrected", review_output_id: "o2", start_time: min(20), end_time: min(100) }),
      step(t, exB, { actor: "human", intervention: 1, start_time: min(500), end_time: min(540) }),
    ],
    dataAccess: [
      { tenant_id: t, event_id: `d1${t}`, time: min(5), workflow: "intake", decision: "deny" },
      { tenant_id: t, event_id: `d2${t}`, time: min(5), workflow: "intake", decision: "allow" },
    ],
  });
  await db.insert("exception_actions", [{ tenant_id: t, workflow: "intake", run_id: exC.run_id, action_id: "a1", action: "resolve", actor_id: "u", at: min(200) }]);
}

describe("compliance", () => {
  it("computes coverage, SLA adherence, violations and open exceptions as counted by hand", async () => {
    const t = freshTenant();
    await setUp(t);
    const r = await comply({ tenantId: t, asOf });
    // Audit: AI steps 0, 1, 3 carry model + version + prompt version → 3/4.
    expect(r.audit_coverage).toBe(0.75);
    expect(r.headline.value).toBe(0.75);
    // Reviews: 2 of 3 required done; o1 reviewed 30 min after output (within 60), o2 after 90 (late).
    expect(r.review_coverage).toBe(0.6667);
    expect(r.review_sla_adherence).toBe(0.5);
    // Violations: m-bad on phi, m-ok on privileged (nothing approved there), and one denied access.
    expect(r.policy_violations).toMatchObject({ total: 3, unapproved_model_steps: 2, denied_accesses: 1 });
    // Open: A (flagged at T0+60, 9 h old, past the 2 h SLA) and B (flagged at T0+540, 1 h old); C is resolved.
    expect(r.open_exceptions).toEqual({ open: 2, past_sla: 1, oldest_past_sla_hours: 9 });
  });

  it("counts an AI step delivered twice once, in coverage and in violations", async () => {
    const t = freshTenant();
    const db = await testDb();
    await db.insert("workflows", [{ tenant_id: t, workflow: "intake", approved_models: JSON.stringify({ phi: ["m-ok"] }) }]);
    const r = run(t, { at: T0 });
    const ai = step(t, r, { actor: "ai", request_model: "m-bad", data_classification: "phi", review_required: 1, model_version: "v1", prompt_version: "p1" });
    const plain = step(t, r, { actor: "ai", request_model: "m-ok", data_classification: "phi" });
    const denial = { tenant_id: t, event_id: `dup${t}`, time: min(5), workflow: "intake", decision: "deny" as const };
    await commitBatch(db, { runs: [r], steps: [ai, plain], dataAccess: [denial] });
    await commitBatch(db, { steps: [ai], dataAccess: [denial] });
    const c = await comply({ tenantId: t, asOf });
    // By hand: two AI steps, one documented; one review required; one unapproved step; one denial.
    expect(c.ai_steps).toBe(2);
    expect(c.audit_coverage).toBe(0.5);
    expect(c.reviews_required).toBe(1);
    expect(c.policy_violations).toMatchObject({ total: 2, unapproved_model_steps: 1, denied_accesses: 1 });
  });

  it("lists exactly the violations it counts when steps are resent across the window's edges", async () => {
    const t = freshTenant();
    const db = await testDb();
    const day = 86_400_000;
    // The window is the 10 days up to the day before T0's; T0 + 1 day is outside it.
    const input = { tenantId: t, from: new Date(T0.getTime() - 10 * day), to: new Date(T0.getTime() - day), asOf };
    const scope = scopeOf(input);
    const guarded = { actor: "ai" as const, request_model: "m-bad", data_classification: "phi" };
    const [out, into, stays] = [0, 1, 2].map(() => run(t, { at: new Date(scope.to.getTime() - day / 2) }));
    const leaving = step(t, out!, guarded);
    const arriving = step(t, into!, { ...guarded, start_time: new Date(scope.from.getTime() - day / 2), end_time: new Date(scope.from.getTime() - day / 2) });
    await commitBatch(db, { runs: [out!, into!, stays!], steps: [leaving, arriving, step(t, stays!, guarded)] });
    // Resent: the last day's step onto the day after the window; the step of the day before into its first day.
    const after = new Date(scope.to.getTime() + day / 2);
    const inside = new Date(scope.from.getTime() + day / 2);
    await commitBatch(db, { steps: [{ ...leaving, start_time: after, end_time: after }, { ...arriving, start_time: inside, end_time: inside }] });
    const c = await comply(input);
    // By hand: `stays` and `arriving` are in the window at their latest delivery; `leaving` is not.
    expect(c.policy_violations.unapproved_model_steps).toBe(2);
    const listed = (await complianceDetail(db, scope, c, null)).violations.map((v) => v.run_id).sort();
    expect(listed).toEqual([into!.run_id, stays!.run_id].sort());
  });

  it("shows nothing from another tenant or a barred workflow", async () => {
    const t = freshTenant();
    await setUp(t);
    expect((await comply({ tenantId: freshTenant(), asOf })).status).toBe("insufficient_data");
    const barred = await comply({ tenantId: t, workflows: ["billing"], asOf });
    expect(barred.ai_steps).toBe(0);
    expect(barred.open_exceptions.open).toBe(0);
    expect(barred.policy_violations.total).toBe(0);
  });
});
