import { describe, expect, it } from "vitest";
import type { AlertMessage } from "./message";
import { displayUrl, signWebhook, verifyWebhookSignature, webhookBody } from "./webhook";

const SECRET = "whsec_0123456789abcdef";
const now = new Date("2026-03-02T10:00:00Z");
const ts = Math.floor(now.getTime() / 1000);

const m: AlertMessage = {
  event: "fire",
  tenantId: "t1",
  ruleId: "r1",
  ruleName: "Exception rate",
  condition: "exception-rate > 0.15",
  severity: "critical",
  subject: "client-intake",
  episodeId: "e1",
  summary: "Exception rate: 0.2",
  openedAt: now,
  resolvedAt: null,
  link: "https://plumbline.example/workflows/client-intake",
};

describe("webhook signatures", () => {
  it("verify for the exact body and timestamp they were made for", () => {
    const body = JSON.stringify(webhookBody(m, "json"));
    const signature = signWebhook(SECRET, ts, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, { signature, timestamp: String(ts) }, body, now)).toBe(true);
  });

  it("reject a changed body, another secret, a changed timestamp and an old timestamp", () => {
    const body = JSON.stringify(webhookBody(m, "json"));
    const signature = signWebhook(SECRET, ts, body);
    expect(verifyWebhookSignature(SECRET, { signature, timestamp: String(ts) }, `${body} `, now)).toBe(false);
    expect(verifyWebhookSignature("whsec_another_secret_xx", { signature, timestamp: String(ts) }, body, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { signature, timestamp: String(ts + 1) }, body, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { signature, timestamp: String(ts) }, body, new Date(now.getTime() + 600_000))).toBe(false);
    expect(verifyWebhookSignature(SECRET, { signature: undefined, timestamp: String(ts) }, body, now)).toBe(false);
  });
});

describe("webhook bodies", () => {
  it("give Slack a text with a link and Teams a message card", () => {
    expect(webhookBody(m, "slack")).toMatchObject({
      text: "[Plumbline] CRITICAL: Exception rate — client-intake",
      attachments: [{ color: "#dc2626", text: expect.stringContaining("<https://plumbline.example/workflows/client-intake|Open in Plumbline>") }],
    });
    expect(webhookBody({ ...m, event: "resolve", resolvedAt: now }, "teams")).toMatchObject({ "@type": "MessageCard", themeColor: "16a34a" });
  });

  it("keep tokens out of logged URLs", () => {
    expect(displayUrl("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX?x=1")).toBe("https://hooks.slack.com/services/T000/B000/XXXX…");
  });
});
