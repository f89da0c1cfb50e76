import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { runMetric } from "@/metrics/registry";
import { Dispatcher } from "@/server/alerts/dispatcher";
import { AlertEvaluator } from "@/server/alerts/evaluator";
import type { MetricRunner } from "@/server/alerts/metric-runner";
import { buildWorld, type World } from "./test-world";

const MIN = 60_000;
let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
});

const codeOf = (err: unknown) => (err instanceof TRPCError ? err.code : String(err));

describe("alert rules as the rules table shows them", () => {
  it("describes each kind's condition in words", async () => {
    const ops = world.caller("ops", world.a);
    const t = world.a.slug;
    const wf = world.a.workflows[0];
    const made = [
      await ops.alerts.create({ tenant: t, kind: "threshold", name: "rate", metric: "exception-rate", workflow: wf, op: "gt", value: 0.15, windowMinutes: 7 * 1440 }),
      await ops.alerts.create({ tenant: t, kind: "threshold", name: "hours", metric: "labor-hours", op: "lte", value: 12.5, windowMinutes: 360 }),
      await ops.alerts.create({ tenant: t, kind: "exceptions-past-sla", name: "sla", workflow: wf, minCount: 3 }),
      await ops.alerts.create({ tenant: t, kind: "ingest-rejects", name: "rejects", share: 0.05, minSpans: 100 }),
      await ops.alerts.create({ tenant: t, kind: "milestone", name: "ms", statuses: ["missed"] }),
    ];
    const listed = new Map((await ops.alerts.list({ tenant: t })).map((r) => [r.ruleId, r.condition]));
    expect(made.map((r) => listed.get(r.ruleId))).toEqual([
      `exception rate of ${wf} above 15% over 7 days`,
      "hours displaced of the firm at or below 12.5 hours over 6 hours",
      `at least 3 open exceptions past SLA in ${wf} (opened in the last 30 days)`,
      "more than 5% of spans rejected over 1 day (with at least 100 spans)",
      "a checkpoint of any workflow missed",
    ]);
  });

  it("refuses invalid rules with the field named, and updates, disables and removes a valid one", async () => {
    const admin = world.caller("admin", world.a);
    const t = world.a.slug;
    const bad = await admin.alerts.create({ tenant: t, kind: "ingest-rejects", name: "x", share: 1.5 }).catch((e: unknown) => e);
    expect(codeOf(bad)).toBe("BAD_REQUEST");
    expect(JSON.stringify(bad instanceof Error ? bad.message : "")).toContain("share");
    const empty = await admin.alerts.create({ tenant: t, kind: "stale-source", name: "  " }).catch((e: unknown) => e);
    expect(codeOf(empty)).toBe("BAD_REQUEST");

    const rule = await admin.alerts.create({ tenant: t, kind: "threshold", name: "slow", metric: "cycle-time", op: "lt", value: 0.2 });
    await admin.alerts.update({ tenant: t, ruleId: rule.ruleId, rule: { kind: "threshold", name: "slow", metric: "cycle-time", op: "lt", value: 0.1, windowMinutes: 30 * 1440 } });
    await admin.alerts.setEnabled({ tenant: t, ruleId: rule.ruleId, enabled: false });
    const after = (await admin.alerts.list({ tenant: t })).find((r) => r.ruleId === rule.ruleId);
    expect(after?.condition).toBe("cycle-time compression of the firm below 10% over 30 days");
    expect(after?.state).toMatchObject({ state: "disabled", text: "disabled" });
    await admin.alerts.remove({ tenant: t, ruleId: rule.ruleId });
    expect((await admin.alerts.list({ tenant: t })).map((r) => r.ruleId)).not.toContain(rule.ruleId);
    const gone = await admin.alerts.update({ tenant: t, ruleId: rule.ruleId, rule: { kind: "stale-source", name: "x" } }).catch((e: unknown) => e);
    expect(codeOf(gone)).toBe("NOT_FOUND");
  });

  it("says 'not evaluating: insufficient data' after a real evaluation finds too few runs, and 'firing' where an SLA is broken", async () => {
    const db = world.db;
    const ops = world.caller("ops", world.a);
    const t = world.a.slug;
    const [thin] = world.a.workflows;
    // test-world wrote 3 live runs of `thin` two days ago and locked no baseline: no rate can be judged.
    const quiet = await ops.alerts.create({ tenant: t, kind: "threshold", name: "thin", metric: "exception-rate", workflow: thin, op: "gt", value: 0.15, windowMinutes: 7 * 1440 });
    // One exception opened 200 minutes ago in a workflow whose exception SLA is 60 minutes: past SLA.
    const now = new Date(Math.floor(Date.now() / MIN) * MIN);
    const late = `late-${world.a.id.slice(0, 6)}`;
    await db.insert("workflows", [{ tenant_id: world.a.id, workflow: late, exception_sla_minutes: 60, updated_at: new Date(now.getTime() - 1440 * MIN) }]);
    await db.insert("runs", [{ tenant_id: world.a.id, workflow: late, run_id: "late-1", phase: "live", outcome: "exception", start_time: new Date(now.getTime() - 200 * MIN), end_time: new Date(now.getTime() - 190 * MIN) }]);
    const loud = await ops.alerts.create({ tenant: t, kind: "exceptions-past-sla", name: "late", workflow: late });
    const pending = (await ops.alerts.list({ tenant: t })).find((r) => r.ruleId === quiet.ruleId);
    expect(pending?.state).toMatchObject({ state: "pending", text: "not evaluated yet" });

    // The store is shared with other files' tenants: metrics run for this tenant only.
    const metrics: MetricRunner = (d, key, input) => (input.tenantId === world.a.id ? runMetric(d, key, input) : Promise.reject(new Error("other tenant")));
    const dispatcher = new Dispatcher({ db, baseDelayMs: 5, maxDelayMs: 20, log: () => undefined });
    await new AlertEvaluator({ db, runMetric: metrics, dispatcher, publicUrl: "https://plumbline.example", log: () => undefined }).tick(new Date(now.getTime() + MIN));
    await dispatcher.drain();

    const states = new Map((await ops.alerts.list({ tenant: t })).map((r) => [r.ruleId, r.state]));
    expect(states.get(quiet.ruleId)?.state).toBe("insufficient_data");
    expect(states.get(quiet.ruleId)?.text).toMatch(/^not evaluating: insufficient data \(Exception rate: .+\)$/);
    expect(states.get(loud.ruleId)).toMatchObject({ state: "firing", text: `firing: ${late}` });
  });
});

describe("the digest opt-in", () => {
  it("subscribes and unsubscribes the caller only, in the tenant named, with the cadence", async () => {
    const a = world.caller("executive", world.a);
    const other = world.caller("ops", world.a);
    const inB = world.caller("executive", world.b);
    expect(await a.alerts.digestStatus({ tenant: world.a.slug })).toMatchObject({ subscribed: false, email: null });
    await a.alerts.digest({ tenant: world.a.slug, enabled: true });
    expect(await a.alerts.digestStatus({ tenant: world.a.slug })).toMatchObject({ subscribed: true, email: world.a.users.executive.email });
    expect((await a.alerts.digestStatus({ tenant: world.a.slug })).cadence).toMatch(/^weekly, on [A-Z][a-z]+days at \d\d:00 UTC$/);
    expect(await other.alerts.digestStatus({ tenant: world.a.slug })).toMatchObject({ subscribed: false });
    expect(await inB.alerts.digestStatus({ tenant: world.b.slug })).toMatchObject({ subscribed: false });
    await a.alerts.digest({ tenant: world.a.slug, enabled: false });
    expect(await a.alerts.digestStatus({ tenant: world.a.slug })).toMatchObject({ subscribed: false });
    expect(codeOf(await world.caller("engineer", world.a).alerts.digestStatus({ tenant: world.a.slug }).catch((e: unknown) => e))).toBe("FORBIDDEN");
  });
});
