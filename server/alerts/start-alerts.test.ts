import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { env, resetEnvCache } from "@/server/env";
import { alertHistory } from "./episodes";
import { createRule } from "./rules";
import { startAlerts } from "./start-alerts";
import { startSmtpSink, startWebhookSink } from "./test-receivers";

let db: Db;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startWebhookSink>>;

beforeAll(async () => {
  db = await testDb();
  // Deliveries go to a loopback receiver, which the webhook address check refuses unless allowed.
  process.env.PLUMBLINE_WEBHOOK_ALLOW = "127.0.0.1";
  resetEnvCache();
  smtp = await startSmtpSink();
  hook = await startWebhookSink();
});
afterAll(async () => {
  await Promise.all([smtp.close(), hook.close()]);
  for (const k of ["SMTP_HOST", "SMTP_PORT", "PLUMBLINE_PUBLIC_URL", "PLUMBLINE_ALERTS_TICK_SECONDS"]) delete process.env[k];
  resetEnvCache();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the alerts runtime", () => {
  it("evaluates on its own schedule, delivers by webhook and SMTP from the environment, and stops cleanly", async () => {
    process.env.SMTP_HOST = "127.0.0.1";
    process.env.SMTP_PORT = String(smtp.port);
    process.env.PLUMBLINE_PUBLIC_URL = "https://plumbline.example";
    process.env.PLUMBLINE_ALERTS_TICK_SECONDS = "5";
    resetEnvCache();
    const tenantId = freshTenant();
    const to = `ops-${tenantId}@firm.test`;
    await db.insert("sources", [{ tenant_id: tenantId, source: "ehr", freshness_sla_minutes: 30 }]);
    await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "stale-source",
      name: "EHR stale",
      recipients: [{ kind: "webhook", url: `${hook.url}/${tenantId}` }, { kind: "email", to }],
    });
    const lines: string[] = [];
    const runtime = startAlerts(db, env(), { log: (l) => lines.push(l) });
    try {
      await until(() => hook.hooks.some((h) => h.path === `/${tenantId}`) && smtp.mails.some((m) => m.to.includes(to)));
    } finally {
      await runtime.stop();
    }
    expect(JSON.parse(hook.hooks.find((h) => h.path === `/${tenantId}`)?.body ?? "{}")).toMatchObject({ type: "alert.fire", link: "https://plumbline.example/sources" });
    expect(smtp.mails.find((m) => m.to.includes(to))?.subject).toBe("[Plumbline] Alert: EHR stale — ehr");
    expect(await alertHistory(db, tenantId, { state: "open" })).toHaveLength(1);
    expect(lines).toContain("evaluating (lease acquired)");
  });
});
