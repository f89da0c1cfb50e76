import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { type Dispatcher, STOPPED } from "./dispatcher";
import type { Mailer } from "./email";
import { episodesByIds } from "./episodes";
import { messageFor, notify } from "./notify";
import type { Rule } from "./rule";
import { displayUrl } from "./webhook";

const row = z.object({
  tenant_id: z.string(),
  rule_id: z.string(),
  episode_id: z.string(),
  event: z.enum(["fire", "resolve"]),
  target: z.string(),
});

/**
 * Notifications a previous process accepted but did not finish (it stopped mid-retry, or with work
 * still queued): the newest attempt for that episode, event and target is `retrying`, or `dropped`
 * because the dispatcher stopped. A new evaluator sends them again, once, so a restart loses no notification.
 */
export async function resumeInterruptedDeliveries(
  db: Db,
  o: { since: Date; rules: readonly Rule[]; dispatcher: Dispatcher; mailer: Mailer | undefined; publicUrl: string },
): Promise<number> {
  const pending = await db.query(
    `SELECT tenant_id, rule_id, episode_id, toString(event) AS event, target FROM alert_deliveries
     WHERE at >= {since:DateTime64(3)} AND event IN ('fire', 'resolve')
     GROUP BY tenant_id, rule_id, episode_id, event, target
     HAVING argMax(status, (at, attempt)) = 'retrying'
         OR (argMax(status, (at, attempt)) = 'dropped' AND argMax(error, (at, attempt)) = {stopped:String})`,
    { since: o.since, stopped: STOPPED },
    row,
  );
  if (pending.length === 0) return 0;
  const episodes = new Map((await episodesByIds(db, [...new Set(pending.map((p) => p.episode_id))])).map((e) => [e.episodeId, e]));
  const rules = new Map(o.rules.map((r) => [`${r.tenantId}\0${r.ruleId}`, r]));
  let resumed = 0;
  for (const p of pending) {
    const rule = rules.get(`${p.tenant_id}\0${p.rule_id}`);
    const episode = episodes.get(p.episode_id);
    // A resolve supersedes a pending fire; a removed rule or recipient gets nothing.
    if (!rule || !episode || (p.event === "fire" && episode.state !== "open")) continue;
    const recipients = rule.spec.recipients.filter((r) => (r.kind === "email" ? r.to : displayUrl(r.url)) === p.target);
    if (recipients.length === 0) continue;
    resumed += notify(o.dispatcher, { ...rule, spec: { ...rule.spec, recipients } }, messageFor(rule, episode, p.event, o.publicUrl), o.mailer);
  }
  return resumed;
}
