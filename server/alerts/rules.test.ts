import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { Dispatcher } from "./dispatcher";
import { alertHistory } from "./episodes";
import { AlertEvaluator } from "./evaluator";
import { AlertRuleError, createRule, listAllRules, listRules, redactRule, removeRule, ruleById, setRuleEnabled, updateRule } from "./rules";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const auditActions = (tenant: string) =>
  db.query("SELECT action FROM audit_log WHERE tenant_id = {tenant:String} ORDER BY at", { tenant }, z.object({ action: z.string() }));
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("alert rules", () => {
  it("are created with defaults and a generated webhook secret, and listed with the secret redacted", async () => {
    const tenantId = freshTenant();
    const rule = await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "stale-source",
      name: "Stale CRM",
      source: "crm",
      recipients: [{ kind: "webhook", url: "https://hooks.example/x" }],
    });
    const hook = rule.spec.recipients[0];
    expect(hook?.kind === "webhook" && hook.secret).toMatch(/^whsec_.{32}$/);
    expect(rule.spec).toMatchObject({ severity: "warning", windowMinutes: 1440, intervalMinutes: 5, cooldownMinutes: 60, enabled: true });
    const [listed] = (await listRules(db, tenantId)).map(redactRule);
    expect(listed?.spec.recipients[0]).toMatchObject({ kind: "webhook", secret: expect.stringMatching(/^whsec_.{3}…$/) });
  });

  it("reject invalid input with the field named", async () => {
    await expect(createRule(db, { tenantId: freshTenant(), actorId: "u" }, { kind: "ingest-rejects", name: "x", share: 2 })).rejects.toThrow(
      new AlertRuleError("Invalid alert rule: share: Too big: expected number to be <1", "BAD_INPUT"),
    );
  });

  it("keep a webhook's secret across updates, and audit every change", async () => {
    const tenantId = freshTenant();
    const actor = { tenantId, actorId: "u-admin" };
    const rule = await createRule(db, actor, { kind: "ingest-rejects", name: "Rejects", share: 0.1, recipients: [{ kind: "webhook", url: "https://hooks.example/y" }] });
    await pause();
    await updateRule(db, actor, rule.ruleId, { kind: "ingest-rejects", name: "Rejects (20%)", share: 0.2, recipients: [{ kind: "webhook", url: "https://hooks.example/y" }] });
    const stored = await ruleById(db, tenantId, rule.ruleId);
    expect(stored.spec).toMatchObject({ name: "Rejects (20%)", share: 0.2, recipients: [{ secret: rule.spec.recipients[0]?.kind === "webhook" ? rule.spec.recipients[0].secret : "" }] });
    await pause();
    await setRuleEnabled(db, actor, rule.ruleId, false);
    await pause();
    await removeRule(db, actor, rule.ruleId);
    expect(await listRules(db, tenantId)).toEqual([]);
    expect((await auditActions(tenantId)).map((a) => a.action)).toEqual(["alerts.create", "alerts.update", "alerts.disable", "alerts.remove"]);
  });

  it("resolve their open episodes quietly when removed", async () => {
    const tenantId = freshTenant();
    const actor = { tenantId, actorId: "u-admin" };
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: new Date().toISOString().slice(0, 10), channel: "otlp-traces", accepted: 10, rejected: 990 }]);
    const rule = await createRule(db, actor, { kind: "ingest-rejects", name: "Rejects", share: 0.1 });
    const dispatcher = new Dispatcher({ db, log: () => undefined });
    const evaluator = new AlertEvaluator({ db, runMetric: () => Promise.reject(new Error("unused")), dispatcher, publicUrl: "http://x", log: () => undefined });
    expect(await evaluator.tick(new Date())).toMatchObject({ opened: 1 });
    await pause();
    await removeRule(db, actor, rule.ruleId);
    expect(await evaluator.tick(new Date())).toMatchObject({ resolved: 1 });
    expect((await alertHistory(db, tenantId))[0]).toMatchObject({ state: "resolved", resolveReason: "rule removed" });
  });

  it("that no longer parse are skipped and reported, not fatal to the others", async () => {
    const tenantId = freshTenant();
    await db.insert("alert_rules", [{ tenant_id: tenantId, rule_id: "broken", name: "old", kind: "threshold", spec: '{"kind":"threshold"}' }]);
    await createRule(db, { tenantId, actorId: "u-admin" }, { kind: "stale-source", name: "fine" });
    const reported: string[] = [];
    const rules = (await listAllRules(db, (_t, ruleId) => reported.push(ruleId))).filter((r) => r.tenantId === tenantId);
    expect(rules.map((r) => r.spec.name)).toEqual(["fine"]);
    expect(reported).toContain("broken");
  });
});
