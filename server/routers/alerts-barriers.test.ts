import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { episodeIdFor, writeEpisode } from "@/server/alerts/episodes";
import type { MetricInput, MetricRunner } from "@/server/alerts/metric-runner";
import { observe } from "@/server/alerts/observe";
import { RecipientScopes } from "@/server/alerts/recipient-scope";
import { createRule, ruleById } from "@/server/alerts/rules";
import { buildWorld, trpcCode, type World } from "./test-world";

/** Issue 24 finding 1: a member behind a barrier reaches no rule, history or delivery outside it. */
let world: World;
let rules: { intake: string; billing: string; firm: string };
beforeAll(async () => {
  world = await buildWorld(await testDb());
  const [intake, billing] = world.a.workflows;
  const actor = { tenantId: world.a.id, actorId: world.a.users.admin.id };
  const email = (to: string) => ({ kind: "email" as const, to });
  const threshold = (workflow?: string) => ({ kind: "threshold", metric: "exception-rate", op: "gt", value: 0.05, ...(workflow ? { workflow } : {}) });
  rules = {
    intake: (await createRule(world.db, actor, { ...threshold(intake), name: "intake", recipients: [email("intake-team@firm.test")] })).ruleId,
    billing: (await createRule(world.db, actor, { ...threshold(billing), name: "billing", recipients: [email("billing-team@firm.test")] })).ruleId,
    firm: (await createRule(world.db, actor, { ...threshold(), name: "firm", recipients: [email("partners@firm.test")] })).ruleId,
  };
  const now = new Date();
  for (const [name, ruleId] of Object.entries(rules)) {
    const episodeId = episodeIdFor(world.a.id, ruleId, name, 1);
    const episode = { tenantId: world.a.id, ruleId, subject: name, episodeId, seq: 1, state: "open" as const, severity: "warning" };
    await writeEpisode(world.db, { ...episode, openedAt: now, resolvedAt: null, openValue: 0.065, lastValue: 0.065, summary: `Live exception rate is 6.5% for ${name}`, resolveReason: "" }, now, "test");
    await world.db.insert("alert_deliveries", [
      { tenant_id: world.a.id, delivery_id: randomUUID(), attempt: 1, rule_id: ruleId, episode_id: episodeId, event: "fire", channel: "email", target: `${name}-team@firm.test`, status: "sent" },
    ]);
  }
});

const code = trpcCode;

describe("alerts behind an information barrier", () => {
  it("refuses a barred or firm-wide rule to a barred member, wherever the workflow sits in the input", async () => {
    const barred = world.caller("restricted-ops", world.a);
    const [intake, billing] = world.a.workflows;
    const t = world.a.slug;
    const rule = (workflow?: string) => ({ kind: "threshold" as const, name: "x", metric: "exception-rate" as const, op: "gt" as const, value: 0.05, ...(workflow ? { workflow } : {}) });
    expect(await code(barred.alerts.create({ tenant: t, ...rule(billing) }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.create({ tenant: t, ...rule() }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.create({ tenant: t, kind: "stale-source", name: "any source" }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.update({ tenant: t, ruleId: rules.intake, rule: rule(billing) }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.update({ tenant: t, ruleId: rules.billing, rule: rule(intake) }))).toBe("FORBIDDEN");
    for (const ruleId of [rules.billing, rules.firm]) {
      expect(await code(barred.alerts.setEnabled({ tenant: t, ruleId, enabled: false }))).toBe("FORBIDDEN");
      expect(await code(barred.alerts.test({ tenant: t, ruleId }))).toBe("FORBIDDEN");
      expect(await code(barred.alerts.remove({ tenant: t, ruleId }))).toBe("FORBIDDEN");
    }
    expect((await ruleById(world.db, world.a.id, rules.billing)).spec).toMatchObject({ workflow: billing, enabled: true });
    expect(await code(barred.alerts.update({ tenant: t, ruleId: rules.intake, rule: { ...rule(intake), name: "intake" } }))).toBe("ok");
  });

  it("lists, and shows the history and deliveries of, only the rules inside the barrier", async () => {
    const t = world.a.slug;
    const barred = world.caller("restricted-ops", world.a);
    expect((await barred.alerts.list({ tenant: t })).map((r) => r.ruleId)).toEqual([rules.intake]);
    const history = await barred.alerts.history({ tenant: t });
    expect(history.map((e) => e.ruleId)).toEqual([rules.intake]);
    expect(await barred.alerts.history({ tenant: t, ruleId: rules.billing })).toEqual([]);
    const deliveries = await barred.alerts.deliveries({ tenant: t });
    expect([...new Set(deliveries.map((d) => d.rule_id))]).toEqual([rules.intake]);
    const ops = world.caller("ops", world.a);
    expect((await ops.alerts.list({ tenant: t })).map((r) => r.ruleId).sort()).toEqual(Object.values(rules).sort());
    expect(new Set((await ops.alerts.history({ tenant: t })).map((e) => e.ruleId))).toEqual(new Set(Object.values(rules)));
  });

  it("keeps a rule's history from another workflow hidden after an admin moves the rule into the barrier", async () => {
    const [intake, billing] = world.a.workflows;
    const actor = { tenantId: world.a.id, actorId: world.a.users.admin.id };
    const spec = { kind: "threshold", name: "moved", metric: "exception-rate", op: "gt", value: 0.05 };
    const { ruleId } = await createRule(world.db, actor, { ...spec, workflow: billing });
    const now = new Date();
    const episodeId = episodeIdFor(world.a.id, ruleId, billing, 1);
    await writeEpisode(world.db, { tenantId: world.a.id, ruleId, subject: billing, episodeId, seq: 1, state: "resolved", severity: "warning", openedAt: now, resolvedAt: now, openValue: 0.2, lastValue: 0.01, summary: `Live exception rate is 20% for ${billing}`, resolveReason: "" }, now, "test");
    await world.caller("admin", world.a).alerts.update({ tenant: world.a.slug, ruleId, rule: { kind: "threshold", name: "moved", metric: "exception-rate", op: "gt", value: 0.05, workflow: intake } });
    const barred = world.caller("restricted-ops", world.a);
    expect((await barred.alerts.list({ tenant: world.a.slug })).map((r) => r.ruleId)).toContain(ruleId);
    expect(JSON.stringify(await barred.alerts.history({ tenant: world.a.slug }))).not.toContain(billing);
  });

  it("audits a refused rule change as denied in the tenant aimed at", async () => {
    const barred = world.caller("restricted-ops", world.a);
    await code(barred.alerts.setEnabled({ tenant: world.a.slug, ruleId: rules.firm, enabled: false }));
    const rows = await world.db.query(
      `SELECT toString(result) AS result FROM audit_log WHERE tenant_id = {t:String} AND actor_id = {u:String} AND action = 'alerts.setEnabled'`,
      { t: world.a.id, u: world.a.users["restricted-ops"].id },
      z.object({ result: z.string() }),
    );
    expect(rows.map((r) => r.result)).toContain("denied");
    expect(rows.map((r) => r.result)).not.toContain("ok");
  });

  it("sends a rule's message only to member recipients who may read its workflow", async () => {
    const [intake] = world.a.workflows;
    const barredEmail = world.a.users["restricted-ops"].email;
    const openEmail = world.a.users.ops.email;
    const firm = { ...(await ruleById(world.db, world.a.id, rules.firm)) };
    const to = [barredEmail, openEmail, "partners@firm.test"].map((address) => ({ kind: "email" as const, to: address }));
    const scopes = new RecipientScopes(world.db);
    const firmWide = await scopes.deliverable({ ...firm, spec: { ...firm.spec, recipients: to } });
    expect(firmWide.spec.recipients.map((r) => (r.kind === "email" ? r.to : r.url))).toEqual([openEmail, "partners@firm.test"]);
    const own = await scopes.deliverable({ ...firm, spec: { ...firm.spec, workflow: intake, recipients: to } as typeof firm.spec });
    expect(own.spec.recipients).toHaveLength(3);
    // An engineer reads no ROI metric on any page: a threshold's message is not theirs; a stale source is.
    const engineer = [{ kind: "email" as const, to: world.a.users.engineer.email }];
    expect((await scopes.deliverable({ ...firm, spec: { ...firm.spec, recipients: engineer } })).spec.recipients).toEqual([]);
    const stale = { kind: "stale-source" as const, name: "s", severity: "warning" as const, windowMinutes: 60, intervalMinutes: 5, cooldownMinutes: 60, enabled: true, recipients: engineer };
    expect((await scopes.deliverable({ ...firm, spec: stale })).spec.recipients).toEqual(engineer);
  });

  it("keeps a business-outcome rule firm-wide: refused on a workflow, to a barred member, and its messages to barred members and engineers", async () => {
    const [intake] = world.a.workflows;
    const t = world.a.slug;
    const business = { kind: "threshold" as const, name: "churn", metric: "client-churn" as const, op: "gt" as const, value: 0.01, windowMinutes: 90 * 1440 };
    expect(await code(world.caller("admin", world.a).alerts.create({ tenant: t, ...business, workflow: intake }))).toBe("BAD_REQUEST");
    expect(await code(world.caller("restricted-ops", world.a).alerts.create({ tenant: t, ...business }))).toBe("FORBIDDEN");
    const { ruleId } = await world.caller("ops", world.a).alerts.create({ tenant: t, ...business });
    expect((await world.caller("restricted-ops", world.a).alerts.list({ tenant: t })).map((r) => r.ruleId)).not.toContain(ruleId);
    const users = world.a.users;
    const to = [users["restricted-ops"].email, users["restricted-executive"].email, users.engineer.email, users.executive.email, "board@firm.test"].map((address) => ({ kind: "email" as const, to: address }));
    const rule = await ruleById(world.db, world.a.id, ruleId);
    const deliverable = await new RecipientScopes(world.db).deliverable({ ...rule, spec: { ...rule.spec, recipients: to } });
    expect(deliverable.spec.recipients.map((r) => (r.kind === "email" ? r.to : r.url))).toEqual([users.executive.email, "board@firm.test"]);
  });

  it("computes a rule's observation with the rule's own workflow as its scope", async () => {
    const seen: MetricInput[] = [];
    const runMetric: MetricRunner = async (_db, key, input) => {
      seen.push(input);
      return { key, title: key, unit: "ratio", status: "ok", headline: { value: 0.065, unit: "ratio", label: "Live exception rate" } };
    };
    const rule = await ruleById(world.db, world.a.id, rules.billing);
    const [obs] = await observe(world.db, runMetric, rule, new Date());
    expect(seen[0]).toMatchObject({ workflow: world.a.workflows[1], workflows: [world.a.workflows[1]] });
    expect(obs?.summary).toContain(world.a.workflows[1]);
  });
});

describe("anomaly rules behind an information barrier", () => {
  it("refuses a barred member an anomaly rule of a barred workflow, a firm-wide one, or a firm series dressed with a workflow, and its band", async () => {
    const barred = world.caller("restricted-ops", world.a);
    const [intake, billing] = world.a.workflows;
    const t = world.a.slug;
    const anomaly = (series: "exception-rate" | "ingest-rejects", workflow?: string) => ({ kind: "anomaly" as const, name: "a", series, ...(workflow ? { workflow } : {}) });
    expect(await code(barred.alerts.create({ tenant: t, ...anomaly("exception-rate", billing) }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.create({ tenant: t, ...anomaly("exception-rate") }))).toBe("FORBIDDEN");
    // Ingest rejects belong to the firm: naming the member's own workflow on them is refused as bad input.
    expect(await code(barred.alerts.create({ tenant: t, ...anomaly("ingest-rejects", intake) }))).toBe("BAD_REQUEST");
    const billingRule = await createRule(world.db, { tenantId: world.a.id, actorId: world.a.users.admin.id }, { ...anomaly("exception-rate", billing), recipients: [] });
    expect(await code(barred.alerts.band({ tenant: t, ruleId: billingRule.ruleId }))).toBe("FORBIDDEN");
    expect(await code(barred.alerts.create({ tenant: t, ...anomaly("exception-rate", intake) }))).toBe("ok");
  });

  it("sends a workflow's anomaly only to members who may read that workflow, and never to an engineer", async () => {
    const [, billing] = world.a.workflows;
    const to = [world.a.users["restricted-ops"].email, world.a.users.ops.email, world.a.users.engineer.email].map((address) => ({ kind: "email" as const, to: address }));
    const rule = await createRule(world.db, { tenantId: world.a.id, actorId: world.a.users.admin.id }, { kind: "anomaly", name: "billing volume", series: "run-volume", workflow: billing, recipients: to });
    const deliverable = await new RecipientScopes(world.db).deliverable(rule);
    expect(deliverable.spec.recipients.map((r) => (r.kind === "email" ? r.to : r.url))).toEqual([world.a.users.ops.email]);
  });
});
