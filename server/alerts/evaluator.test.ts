import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/server/env";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { deliveryLog } from "./delivery-log";
import { Dispatcher } from "./dispatcher";
import { smtpMailer, type Mailer } from "./email";
import { alertHistory } from "./episodes";
import { AlertEvaluator } from "./evaluator";
import { runMetric } from "@/metrics/registry";
import type { MetricRunner } from "./metric-runner";
import { createRule } from "./rules";
import { startSmtpSink, startWebhookSink } from "./test-receivers";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "./webhook";

const SECRET = "whsec_test_secret_0123456789";
const MIN = 60_000;
const noMetrics: MetricRunner = () => Promise.reject(new Error("no metric in this test"));

let db: Db;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let mailer: Mailer;
let receiverUp = false;

beforeAll(async () => {
  db = await testDb();
  // Deliveries go to a loopback receiver, which the webhook address check refuses unless allowed.
  process.env.PLUMBLINE_WEBHOOK_ALLOW = "127.0.0.1";
  resetEnvCache();
  smtp = await startSmtpSink();
  // Paths under /down-until-restart/ answer 503 until `receiverUp` is set: a receiver that is down.
  hook = await startWebhookSink((h) => (h.path.startsWith("/down-until-restart/") && !receiverUp ? 503 : 200));
  mailer = smtpMailer({ host: "127.0.0.1", port: smtp.port, secure: false, from: "alerts@plumbline.test" });
});

afterAll(async () => {
  mailer.close();
  await Promise.all([smtp.close(), hook.close()]);
});

/** A new evaluator process over the same store: nothing carried over in memory. */
function evaluatorProcess(runMetric: MetricRunner = noMetrics) {
  const dispatcher = new Dispatcher({ db, baseDelayMs: 5, maxDelayMs: 20, log: () => undefined });
  const evaluator = new AlertEvaluator({ db, runMetric, dispatcher, mailer, publicUrl: "https://plumbline.example", log: () => undefined });
  return { dispatcher, evaluator };
}

const hooksFor = (path: string) => hook.hooks.filter((h) => h.path === path);
const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));

describe("the alert evaluator", () => {
  it("fires once per episode for exceptions past SLA, survives a restart mid-episode, and sends the resolution", async () => {
    const tenantId = freshTenant();
    const t0 = new Date(Math.floor(Date.now() / MIN) * MIN);
    await db.insert("workflows", [{ tenant_id: tenantId, workflow: "client-intake", exception_sla_minutes: 60, updated_at: new Date(t0.getTime() - 24 * 60 * MIN) }]);
    await db.insert("runs", [
      { tenant_id: tenantId, workflow: "client-intake", run_id: "r-late", phase: "live", outcome: "exception", start_time: new Date(t0.getTime() - 200 * MIN), end_time: new Date(t0.getTime() - 180 * MIN) },
      { tenant_id: tenantId, workflow: "client-intake", run_id: "r-fresh", phase: "live", outcome: "exception", start_time: new Date(t0.getTime() - 20 * MIN), end_time: new Date(t0.getTime() - 10 * MIN) },
      { tenant_id: tenantId, workflow: "client-intake", run_id: "r-ok", phase: "live", outcome: "completed", start_time: new Date(t0.getTime() - 300 * MIN), end_time: new Date(t0.getTime() - 290 * MIN) },
    ]);
    const path = `/${tenantId}/sla`;
    const to = `ops-${tenantId}@firm.test`;
    await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "exceptions-past-sla",
      name: "Exceptions past SLA",
      severity: "critical",
      recipients: [
        { kind: "webhook", url: `${hook.url}${path}`, secret: SECRET },
        { kind: "email", to },
      ],
    });

    const first = evaluatorProcess();
    expect(await first.evaluator.tick(t0)).toMatchObject({ opened: 1, resolved: 0, errors: 0 });
    expect(await first.evaluator.tick(new Date(t0.getTime() + 10 * MIN))).toMatchObject({ opened: 0, resolved: 0 });
    await first.dispatcher.drain();

    const [fired] = hooksFor(path);
    expect(hooksFor(path)).toHaveLength(1);
    expect(fired && verifyWebhookSignature(SECRET, { signature: fired.headers[SIGNATURE_HEADER] as string, timestamp: fired.headers[TIMESTAMP_HEADER] as string }, fired.body, new Date())).toBe(true);
    expect(JSON.parse(fired?.body ?? "{}")).toMatchObject({
      type: "alert.fire",
      rule: { name: "Exceptions past SLA", severity: "critical" },
      episode: { subject: "client-intake", state: "open" },
      link: "https://plumbline.example/exceptions?workflow=client-intake",
    });
    expect(JSON.parse(fired?.body ?? "{}").summary).toContain("1 open exception(s) past the 60-min SLA");
    expect(mailsTo(to)).toHaveLength(1);
    expect(mailsTo(to)[0]?.subject).toBe("[Plumbline] CRITICAL: Exceptions past SLA — client-intake");
    expect(mailsTo(to)[0]?.text).toContain("https://plumbline.example/exceptions?workflow=client-intake");
    expect(mailsTo(to)[0]?.html).toContain("<strong>1 open exception(s) past the 60-min SLA in client-intake");

    // A restart: a new evaluator and dispatcher, the same store. The episode is still open and stays quiet.
    const second = evaluatorProcess();
    expect(await second.evaluator.tick(new Date(t0.getTime() + 20 * MIN))).toMatchObject({ opened: 0, resolved: 0 });
    await second.dispatcher.drain();
    expect(hooksFor(path)).toHaveLength(1);
    expect(await alertHistory(db, tenantId, { state: "open" })).toHaveLength(1);

    // The ops lead resolves the exception; the restarted evaluator closes the episode it never opened.
    await db.insert("exception_actions", [{ tenant_id: tenantId, workflow: "client-intake", run_id: "r-late", action_id: "a1", action: "resolve", actor_id: "u-ops", at: new Date(t0.getTime() + 25 * MIN) }]);
    expect(await second.evaluator.tick(new Date(t0.getTime() + 30 * MIN))).toMatchObject({ opened: 0, resolved: 1 });
    await second.dispatcher.drain();
    expect(hooksFor(path).map((h) => JSON.parse(h.body).type)).toEqual(["alert.fire", "alert.resolve"]);
    expect(mailsTo(to).map((m) => m.subject)).toEqual([
      "[Plumbline] CRITICAL: Exceptions past SLA — client-intake",
      "[Plumbline] Resolved: Exceptions past SLA — client-intake",
    ]);
    const history = await alertHistory(db, tenantId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ state: "resolved", resolveReason: "recovered", subject: "client-intake" });
    const log = await deliveryLog(db, tenantId);
    expect(log.filter((d) => d.status === "sent")).toHaveLength(4);
  });

  it("fires for a stale source and resolves when a fresh sync arrives, in a Teams-compatible body", async () => {
    const tenantId = freshTenant();
    const t0 = new Date(Math.floor(Date.now() / MIN) * MIN);
    await db.insert("sources", [
      { tenant_id: tenantId, source: "crm", freshness_sla_minutes: 60 },
      { tenant_id: tenantId, source: "ehr", freshness_sla_minutes: 0 },
    ]);
    await db.insert("source_syncs", [
      { tenant_id: tenantId, source: "crm", span_id: "s1", start_time: new Date(t0.getTime() - 181 * MIN), end_time: new Date(t0.getTime() - 180 * MIN), status: "ok", watermark: new Date(t0.getTime() - 185 * MIN) },
    ]);
    const path = `/${tenantId}/teams`;
    await createRule(db, { tenantId, actorId: "u-admin" }, { kind: "stale-source", name: "CRM stale", recipients: [{ kind: "webhook", url: `${hook.url}${path}`, secret: SECRET, format: "teams" }] });
    const { evaluator, dispatcher } = evaluatorProcess();
    expect(await evaluator.tick(t0)).toMatchObject({ opened: 1 });
    await db.insert("source_syncs", [
      { tenant_id: tenantId, source: "crm", span_id: "s2", start_time: new Date(t0.getTime() + 1 * MIN), end_time: new Date(t0.getTime() + 2 * MIN), status: "ok", watermark: new Date(t0.getTime() + 1 * MIN) },
    ]);
    expect(await evaluator.tick(new Date(t0.getTime() + 10 * MIN))).toMatchObject({ opened: 0, resolved: 1 });
    await dispatcher.drain();
    const bodies = hooksFor(path).map((h) => JSON.parse(h.body));
    expect(bodies.map((b) => b["@type"])).toEqual(["MessageCard", "MessageCard"]);
    expect(bodies[0].text).toContain("Source crm is 185 min old (SLA 60 min)");
    expect(bodies[1].title).toBe("[Plumbline] Resolved: CRM stale — crm");
  });

  it("skips insufficient data, honours the cool-down and opens a second episode after it", async () => {
    const tenantId = freshTenant();
    const t0 = new Date(Math.floor(Date.now() / MIN) * MIN);
    let value: number | null = null;
    const runMetric: MetricRunner = async (_db, key) => ({
      key,
      title: "Exception rate",
      unit: "ratio",
      status: value === null ? "insufficient_data" : "ok",
      headline: { value, unit: "", label: "Exception rate" },
    });
    const path = `/${tenantId}/slack`;
    await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "threshold",
      name: "Exception rate spike",
      metric: "exception-rate",
      workflow: "client-intake",
      op: "gt",
      value: 0.15,
      intervalMinutes: 1,
      cooldownMinutes: 30,
      recipients: [{ kind: "webhook", url: `${hook.url}${path}`, secret: SECRET, format: "slack" }],
    });
    const { evaluator, dispatcher } = evaluatorProcess(runMetric);
    const at = (m: number) => new Date(t0.getTime() + m * MIN);
    expect(await evaluator.tick(at(0))).toMatchObject({ opened: 0, resolved: 0 });
    value = 0.2;
    expect(await evaluator.tick(at(1))).toMatchObject({ opened: 1 });
    value = null;
    expect(await evaluator.tick(at(2))).toMatchObject({ opened: 0, resolved: 0 });
    value = 0.1;
    expect(await evaluator.tick(at(3))).toMatchObject({ resolved: 1 });
    value = 0.3;
    expect(await evaluator.tick(at(10))).toMatchObject({ opened: 0 });
    expect(await evaluator.tick(at(34))).toMatchObject({ opened: 1 });
    await dispatcher.drain();
    const texts = hooksFor(path).map((h) => JSON.parse(h.body).text);
    expect(texts).toEqual([
      "[Plumbline] Alert: Exception rate spike — client-intake",
      "[Plumbline] Resolved: Exception rate spike — client-intake",
      "[Plumbline] Alert: Exception rate spike — client-intake",
    ]);
    const history = await alertHistory(db, tenantId);
    expect(history.map((e) => [e.seq, e.state])).toEqual([[2, "open"], [1, "resolved"]]);
  });

  it("fires when ingest rejects exceed their share, but not on a handful of spans", async () => {
    const tenantId = freshTenant();
    const t0 = new Date();
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: t0.toISOString().slice(0, 10), channel: "otlp-traces", accepted: 5, rejected: 5 }]);
    await createRule(db, { tenantId, actorId: "u-admin" }, { kind: "ingest-rejects", name: "Rejects", share: 0.1 });
    const { evaluator } = evaluatorProcess();
    expect(await evaluator.tick(t0)).toMatchObject({ opened: 0 });
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: t0.toISOString().slice(0, 10), channel: "otlp-traces", reason: "bad", accepted: 800, rejected: 200 }]);
    expect(await evaluator.tick(new Date(t0.getTime() + 10 * MIN))).toMatchObject({ opened: 1 });
    expect((await alertHistory(db, tenantId))[0]?.summary).toBe("Ingest rejected 205 of 1010 spans (20.3%, threshold 10.0%)");
  });

  it("fires on the real exception-rate metric computed from runs in the store, and resolves as the rate falls", async () => {
    const tenantId = freshTenant();
    const t0 = new Date(Math.floor(Date.now() / MIN) * MIN);
    const runs = (from: number, n: number, exceptions: number) =>
      Array.from({ length: n }, (_, i) => ({
        tenant_id: tenantId,
        workflow: "client-intake",
        run_id: `r${from + i}`,
        phase: "live",
        outcome: i < exceptions ? "exception" : "completed",
        start_time: new Date(t0.getTime() - 60 * MIN + i * 1000),
        end_time: new Date(t0.getTime() - 50 * MIN + i * 1000),
      }));
    await db.insert("runs", runs(0, 40, 10));
    const path = `/${tenantId}/real`;
    await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "threshold",
      name: "Exception rate over 15%",
      metric: "exception-rate",
      workflow: "client-intake",
      op: "gt",
      value: 0.15,
      recipients: [{ kind: "webhook", url: `${hook.url}${path}`, secret: SECRET }],
    });
    const { evaluator, dispatcher } = evaluatorProcess(runMetric);
    expect(await evaluator.tick(t0)).toMatchObject({ opened: 1, errors: 0 });
    await db.insert("runs", runs(40, 60, 0));
    expect(await evaluator.tick(new Date(t0.getTime() + 10 * MIN))).toMatchObject({ resolved: 1, errors: 0 });
    await dispatcher.drain();
    const bodies = hooksFor(path).map((h) => JSON.parse(h.body));
    expect(bodies.map((b) => [b.type, b.summary])).toEqual([
      ["alert.fire", "Live exception rate is 25.0% (alert when > 15.0%) for client-intake"],
      ["alert.resolve", "Live exception rate is 10.0% (alert when > 15.0%) for client-intake"],
    ]);
  });

  it("resumes a notification that a stopped evaluator left undelivered, exactly once", async () => {
    const tenantId = freshTenant();
    const t0 = new Date();
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: t0.toISOString().slice(0, 10), channel: "otlp-traces", accepted: 100, rejected: 900 }]);
    const path = `/down-until-restart/${tenantId}`;
    await createRule(db, { tenantId, actorId: "u-admin" }, { kind: "ingest-rejects", name: "Rejects", share: 0.5, recipients: [{ kind: "webhook", url: `${hook.url}${path}`, secret: SECRET }] });
    const slowRetries = new Dispatcher({ db, baseDelayMs: 60_000, log: () => undefined });
    const stopping = new AlertEvaluator({ db, runMetric: noMetrics, dispatcher: slowRetries, publicUrl: "https://plumbline.example", log: () => undefined });
    expect(await stopping.tick(t0)).toMatchObject({ opened: 1 });
    while ((await deliveryLog(db, tenantId)).length === 0) await new Promise((r) => setTimeout(r, 10));
    await slowRetries.stop();
    expect((await deliveryLog(db, tenantId)).map((a) => [a.attempt, a.status])).toEqual([[2, "dropped"], [1, "retrying"]]);

    receiverUp = true;
    const second = evaluatorProcess();
    expect(await second.evaluator.tick(new Date(t0.getTime() + 5 * MIN))).toMatchObject({ opened: 0, resumed: 1 });
    await second.dispatcher.drain();
    const third = evaluatorProcess();
    expect(await third.evaluator.tick(new Date(t0.getTime() + 10 * MIN))).toMatchObject({ opened: 0, resumed: 0 });
    await third.dispatcher.drain();
    expect(hooksFor(path).map((h) => JSON.parse(h.body).type)).toEqual(["alert.fire"]);
  });
});
