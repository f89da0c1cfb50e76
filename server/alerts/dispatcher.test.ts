import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/server/env";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { deliveryLog } from "./delivery-log";
import { type DeliveryJob, Dispatcher } from "./dispatcher";
import { AlertEvaluator } from "./evaluator";
import type { AlertMessage } from "./message";
import { createRule } from "./rules";
import { startWebhookSink } from "./test-receivers";
import { DeliveryError, postWebhook } from "./webhook";

const SECRET = "whsec_test_secret_0123456789";
let db: Db;
let flaky: Awaited<ReturnType<typeof startWebhookSink>>;

beforeAll(async () => {
  db = await testDb();
  // Deliveries go to a loopback receiver, which the webhook address check refuses unless allowed.
  process.env.PLUMBLINE_WEBHOOK_ALLOW = "127.0.0.1";
  resetEnvCache();
  // Per path: `/down-<n>/...` answers 503 to the first n attempts, `/bad/...` answers 400, `/dead/...` always 503.
  const seen = new Map<string, number>();
  flaky = await startWebhookSink((h) => {
    const n = (seen.get(h.path) ?? 0) + 1;
    seen.set(h.path, n);
    if (h.path.startsWith("/bad")) return 400;
    if (h.path.startsWith("/dead")) return 503;
    const down = Number(/^\/down-(\d+)/.exec(h.path)?.[1] ?? 0);
    return n <= down ? 503 : 200;
  });
});

afterAll(() => flaky.close());

const message = (tenantId: string): AlertMessage => ({
  event: "test",
  tenantId,
  ruleId: "rule-1",
  ruleName: "Test rule",
  condition: "a test",
  severity: "info",
  subject: "firm",
  episodeId: "test",
  summary: "Just a test",
  openedAt: new Date(),
  resolvedAt: null,
  link: "https://plumbline.example/overview",
});

function webhookJob(tenantId: string, path: string): DeliveryJob {
  const url = `${flaky.url}${path}`;
  return {
    tenantId,
    ruleId: "rule-1",
    episodeId: "test",
    event: "test",
    channel: "webhook",
    target: url,
    send: (id, now) => postWebhook({ kind: "webhook", url, secret: SECRET, format: "json" }, message(tenantId), id, now),
  };
}

const dispatcher = (o: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}) =>
  new Dispatcher({ db, baseDelayMs: 5, maxDelayMs: 20, log: () => undefined, ...o });

describe("the delivery dispatcher", () => {
  it("retries a receiver that is down with back-off and logs every attempt", async () => {
    const tenantId = freshTenant();
    const d = dispatcher();
    expect(d.enqueue(webhookJob(tenantId, `/down-2/${tenantId}`))).toBe(true);
    await d.drain();
    const log = (await deliveryLog(db, tenantId)).reverse();
    expect(log.map((a) => [a.attempt, a.status, a.http_status])).toEqual([
      [1, "retrying", 503],
      [2, "retrying", 503],
      [3, "sent", 200],
    ]);
    expect(new Set(log.map((a) => a.delivery_id)).size).toBe(1);
  });

  it("gives up after the last attempt and leaves the failure in the delivery log and the audit log", async () => {
    const tenantId = freshTenant();
    const d = dispatcher({ maxAttempts: 3 });
    d.enqueue(webhookJob(tenantId, `/dead/${tenantId}`));
    await d.drain();
    const log = (await deliveryLog(db, tenantId)).reverse();
    expect(log.map((a) => a.status)).toEqual(["retrying", "retrying", "failed"]);
    expect(log[2]?.error).toBe("Receiver answered HTTP 503");
    const audited = await db.query(
      "SELECT action, toString(result) AS result FROM audit_log WHERE tenant_id = {tenant:String}",
      { tenant: tenantId },
      z.object({ action: z.string(), result: z.string() }),
    );
    expect(audited).toEqual([{ action: "alerts.deliver.test", result: "error" }]);
  });

  it("does not retry a receiver that rejects the request", async () => {
    const tenantId = freshTenant();
    const d = dispatcher();
    d.enqueue(webhookJob(tenantId, `/bad/${tenantId}`));
    await d.drain();
    expect((await deliveryLog(db, tenantId)).map((a) => [a.status, a.http_status])).toEqual([["failed", 400]]);
  });

  it("drops deliveries beyond its bound instead of growing, and logs them as dropped", async () => {
    const tenantId = freshTenant();
    const d = dispatcher({ concurrency: 1, maxPending: 2 });
    let release = () => undefined as void;
    const held = new Promise<number>((resolve) => (release = () => resolve(200)));
    const job: DeliveryJob = { ...webhookJob(tenantId, "/held"), send: () => held };
    expect([d.enqueue(job), d.enqueue(job), d.enqueue(job)]).toEqual([true, true, false]);
    release();
    await d.drain();
    const statuses = (await deliveryLog(db, tenantId)).map((a) => a.status).sort();
    expect(statuses).toEqual(["dropped", "sent", "sent"]);
  });

  it("lets an evaluation tick finish while a receiver hangs", async () => {
    const tenantId = freshTenant();
    const server = (await import("node:http")).createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: new Date().toISOString().slice(0, 10), channel: "otlp-traces", accepted: 100, rejected: 900 }]);
    await createRule(db, { tenantId, actorId: "u-admin" }, {
      kind: "ingest-rejects",
      name: "Rejects",
      share: 0.5,
      recipients: [{ kind: "webhook", url: `http://127.0.0.1:${port}/never`, secret: SECRET }],
    });
    const d = dispatcher();
    const evaluator = new AlertEvaluator({ db, runMetric: () => Promise.reject(new Error("unused")), dispatcher: d, publicUrl: "http://x", log: () => undefined });
    expect(await evaluator.tick(new Date())).toMatchObject({ opened: 1 });
    expect(d.pending).toBe(1);
    const stopping = d.stop(5_000);
    server.closeAllConnections();
    server.close();
    await stopping;
    expect((await deliveryLog(db, tenantId)).map((a) => [a.status, a.error])).toEqual([["dropped", "dispatcher stopped"]]);
  });

  it("drops, and logs, the retry of an attempt still being logged when the dispatcher stopped", async () => {
    const tenantId = freshTenant();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let logging!: () => void;
    const loggingRetry = new Promise<void>((resolve) => (logging = resolve));
    // The attempt's "retrying" row is held until stop() has begun: the moment a test (or a shutdown) can fall into.
    const slowLog: Db = {
      ...db,
      async insert(table, rows, options) {
        if (table === "alert_deliveries" && (rows[0] as { status?: string }).status === "retrying") {
          logging();
          await gate;
        }
        return db.insert(table, rows, options);
      },
    };
    const d = new Dispatcher({ db: slowLog, baseDelayMs: 60_000, log: () => undefined });
    const job: DeliveryJob = {
      tenantId, ruleId: "rule-1", episodeId: "e-1", event: "test", channel: "webhook", target: "test",
      send: () => Promise.reject(new DeliveryError("receiver down", 503, true)),
    };
    expect(d.enqueue(job)).toBe(true);
    await loggingRetry;
    const stopping = d.stop(5_000);
    release();
    await stopping;
    expect(d.pending).toBe(0);
    expect((await deliveryLog(db, tenantId)).map((a) => [a.attempt, a.status])).toEqual([[2, "dropped"], [1, "retrying"]]);
  });
});
