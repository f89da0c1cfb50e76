import type { Dispatcher } from "./dispatcher";
import { alertEmail, type Mailer } from "./email";
import type { Episode } from "./episodes";
import type { AlertMessage } from "./message";
import { describeRule } from "./condition";
import type { Rule } from "./rule";
import { DeliveryError, displayUrl, postWebhook } from "./webhook";

/** Where the dashboard shows a rule's subject; PLUMBLINE_PUBLIC_URL is the base. */
export function linkFor(publicUrl: string, rule: Rule, subject: string): string {
  const base = publicUrl.replace(/\/+$/, "");
  const spec = rule.spec;
  switch (spec.kind) {
    case "stale-source":
      return `${base}/sources`;
    case "exceptions-past-sla":
      return `${base}/exceptions?workflow=${encodeURIComponent(subject)}`;
    case "ingest-rejects":
      return `${base}/settings`;
    case "pilot-trap":
      // Each subject is a workflow: its page shows the signs.
      return `${base}/workflows/${encodeURIComponent(subject)}`;
    case "anomaly":
      return `${base}/alerts/rules/${encodeURIComponent(rule.ruleId)}`;
    case "threshold":
    case "milestone":
      return spec.workflow ? `${base}/workflows/${encodeURIComponent(spec.workflow)}` : `${base}/overview`;
  }
}

export function messageFor(rule: Rule, e: Episode, event: AlertMessage["event"], publicUrl: string): AlertMessage {
  return {
    event,
    tenantId: rule.tenantId,
    ruleId: rule.ruleId,
    ruleName: rule.spec.name,
    condition: describeRule(rule.spec),
    severity: rule.spec.severity,
    subject: e.subject,
    episodeId: e.episodeId,
    summary: e.summary,
    openedAt: e.openedAt,
    resolvedAt: e.resolvedAt,
    link: linkFor(publicUrl, rule, e.subject),
  };
}

/** Queues one delivery per recipient of the rule; returns how many were accepted. Never waits for a receiver. */
export function notify(dispatcher: Dispatcher, rule: Rule, m: AlertMessage, mailer: Mailer | undefined): number {
  let accepted = 0;
  for (const r of rule.spec.recipients) {
    const base = { tenantId: rule.tenantId, ruleId: rule.ruleId, episodeId: m.episodeId, event: m.event };
    const ok =
      r.kind === "webhook"
        ? dispatcher.enqueue({ ...base, channel: "webhook", target: displayUrl(r.url), send: (id, now) => postWebhook(r, m, id, now) })
        : dispatcher.enqueue({
            ...base,
            channel: "email",
            target: r.to,
            send: async () => {
              if (!mailer) throw new DeliveryError("SMTP is not configured (set SMTP_HOST)", 0, false);
              await mailer.send(r.to, alertEmail(m));
              return 0;
            },
          });
    if (ok) accepted++;
  }
  return accepted;
}
