import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { deliveryLog } from "./delivery-log";
import { Dispatcher } from "./dispatcher";
import type { Mailer } from "./email";
import { messageFor, notify } from "./notify";
import { type Actor, ruleById } from "./rules";

export interface TestAlertOptions {
  mailer?: Mailer;
  publicUrl: string;
  now?: Date;
  timeoutMs?: number;
}

/**
 * What a test tells its caller: delivered or failed, per recipient, and nothing of the receiver's
 * answer. The HTTP status or connection error of an arbitrary URL is a port scanner's read-out
 * (issue 24, finding 6); the delivery log keeps the detail for the rule's own deliveries.
 */
export interface TestDelivery {
  delivery_id: string;
  channel: string;
  target: string;
  status: "delivered" | "failed";
}

/**
 * "Send a test alert": one delivery per recipient of the rule, a single attempt each, awaited so the
 * caller (the settings page, `plumbline alerts test`) sees at once whether every receiver accepted it.
 */
export async function sendTestAlert(db: Db, actor: Actor, ruleId: string, o: TestAlertOptions): Promise<TestDelivery[]> {
  const rule = await ruleById(db, actor.tenantId, ruleId);
  const now = o.now ?? new Date();
  const episodeId = `test-${now.getTime()}`;
  const dispatcher = new Dispatcher({ db, maxAttempts: 1, concurrency: 4, log: () => undefined });
  const message = messageFor(
    rule,
    {
      tenantId: rule.tenantId,
      ruleId,
      subject: "test",
      episodeId,
      seq: 0,
      state: "open",
      severity: rule.spec.severity,
      openedAt: now,
      resolvedAt: null,
      openValue: null,
      lastValue: null,
      summary: `This is a test of the alert rule "${rule.spec.name}", sent by ${actor.actorEmail ?? actor.actorId}.`,
      resolveReason: "",
    },
    "test",
    o.publicUrl,
  );
  notify(dispatcher, rule, message, o.mailer);
  await dispatcher.drain(o.timeoutMs ?? 30_000);
  const attempts = await deliveryLog(db, actor.tenantId, { ruleId, episodeId });
  await audit(db, {
    tenantId: actor.tenantId,
    actorId: actor.actorId,
    actorEmail: actor.actorEmail,
    kind: "change",
    action: "alerts.test",
    inputSummary: `rule ${ruleId}: ${attempts.filter((a) => a.status === "sent").length}/${rule.spec.recipients.length} delivered`,
    result: attempts.every((a) => a.status === "sent") ? "ok" : "error",
  });
  return attempts.map((a) => ({ delivery_id: a.delivery_id, channel: a.channel, target: a.target, status: a.status === "sent" ? "delivered" : "failed" }));
}
