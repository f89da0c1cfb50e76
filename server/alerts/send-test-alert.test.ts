import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/server/env";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { smtpMailer, type Mailer } from "./email";
import { createRule } from "./rules";
import { sendTestAlert } from "./send-test-alert";
import { startSmtpSink, startWebhookSink } from "./test-receivers";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "./webhook";

let db: Db;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;
let mailer: Mailer;

beforeAll(async () => {
  db = await testDb();
  // Deliveries go to a loopback receiver, which the webhook address check refuses unless allowed.
  process.env.PLUMBLINE_WEBHOOK_ALLOW = "127.0.0.1";
  resetEnvCache();
  smtp = await startSmtpSink();
  hook = await startWebhookSink((h) => (h.path.startsWith("/down") ? 503 : 200));
  mailer = smtpMailer({ host: "127.0.0.1", port: smtp.port, secure: false, from: "alerts@plumbline.test" });
});
afterAll(async () => {
  mailer.close();
  await Promise.all([smtp.close(), hook.close()]);
});

describe("sending a test alert", () => {
  it("reaches every recipient once, signed, and reports each delivery and audits the test", async () => {
    const tenantId = freshTenant();
    const actor = { tenantId, actorId: "u-admin", actorEmail: "admin@firm.test" };
    const to = `test-${tenantId}@firm.test`;
    const rule = await createRule(db, actor, {
      kind: "stale-source",
      name: "Stale sources",
      recipients: [
        { kind: "webhook", url: `${hook.url}/ok/${tenantId}` },
        { kind: "webhook", url: `${hook.url}/down/${tenantId}` },
        { kind: "email", to },
      ],
    });
    const attempts = await sendTestAlert(db, actor, rule.ruleId, { mailer, publicUrl: "https://plumbline.example" });
    // Delivered or failed, and nothing of the receiver's answer (its 503 would map a port).
    expect(attempts.map((a) => [a.channel, a.status]).sort()).toEqual([
      ["email", "delivered"],
      ["webhook", "delivered"],
      ["webhook", "failed"],
    ]);
    expect(JSON.stringify(attempts)).not.toMatch(/503|HTTP/);
    const received = hook.hooks.filter((h) => h.path === `/ok/${tenantId}`);
    expect(received).toHaveLength(1);
    const secret = rule.spec.recipients[0]?.kind === "webhook" ? rule.spec.recipients[0].secret : "";
    const [h] = received;
    expect(h && verifyWebhookSignature(secret, { signature: h.headers[SIGNATURE_HEADER] as string, timestamp: h.headers[TIMESTAMP_HEADER] as string }, h.body, new Date())).toBe(true);
    expect(JSON.parse(h?.body ?? "{}")).toMatchObject({ type: "alert.test", summary: 'This is a test of the alert rule "Stale sources", sent by admin@firm.test.' });
    expect(smtp.mails.filter((m) => m.to.includes(to)).map((m) => m.subject)).toEqual(["[Plumbline] Test alert: Stale sources — test"]);
    const audited = await db.query(
      "SELECT action, toString(result) AS result, input_summary FROM audit_log WHERE tenant_id = {tenant:String} AND action = 'alerts.test'",
      { tenant: tenantId },
      z.object({ action: z.string(), result: z.string(), input_summary: z.string() }),
    );
    expect(audited).toEqual([{ action: "alerts.test", result: "error", input_summary: `rule ${rule.ruleId}: 2/3 delivered` }]);
  });

  it("answers only \"failed\" for a private destination, without connecting to it", async () => {
    const tenantId = freshTenant();
    const actor = { tenantId, actorId: "u-ops", actorEmail: "ops@firm.test" };
    // An IP literal needs no DNS; the check refuses it before any socket is opened.
    const rule = await createRule(db, actor, { kind: "stale-source", name: "Probe", recipients: [{ kind: "webhook", url: "http://10.0.0.1:6379/" }] });
    const attempts = await sendTestAlert(db, actor, rule.ruleId, { publicUrl: "https://plumbline.example" });
    expect(attempts.map(({ channel, status }) => ({ channel, status }))).toEqual([{ channel: "webhook", status: "failed" }]);
  });
});
