import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { memberScope, ROI_ROLES } from "@/server/auth/barrier";
import { listTenants } from "@/server/tenants";
import { digestData, renderDigest } from "./digest-content";
import { type DigestSubscription, digestSubscribers } from "./digest-subscriptions";
import type { Dispatcher } from "./dispatcher";
import type { EmailContent, Mailer } from "./email";
import type { MetricRunner } from "./metric-runner";
import { DeliveryError } from "./webhook";

export interface DigestOptions {
  db: Db;
  runMetric: MetricRunner;
  dispatcher: Dispatcher;
  mailer: Mailer | undefined;
  publicUrl: string;
  /** 0 = Sunday … 6 = Saturday, UTC. */
  weekday: number;
  hourUtc: number;
}

const HOUR = 3_600_000;
/** A digest missed by more than this (the server was down) waits for next week rather than arriving late. */
const LATE_LIMIT_MS = 48 * HOUR;

/** The most recent scheduled send time at or before `now`. */
export function lastScheduled(now: Date, weekday: number, hourUtc: number): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() - weekday + 7) % 7));
  if (d.getTime() > now.getTime()) d.setUTCDate(d.getUTCDate() - 7);
  return d;
}

const sentRow = z.object({ episode_id: z.string() });

/**
 * The weekly executive digest: on each evaluator tick, every opted-in user who has not had this week's
 * digest gets it. The delivery log is the record of what was sent, so a restart does not send twice.
 * Each recipient's digest is computed with their current role and information barrier: a barred member
 * gets their workflows' figures only; a former member, a disabled user or a role that reads no ROI
 * figures (an engineer) gets none (docs/security.md "Barriers").
 */
export class WeeklyDigest {
  /** Queued this week but perhaps not yet in the delivery log; cleared when the week changes. */
  private readonly queued = new Set<string>();
  private week = "";

  constructor(private readonly o: DigestOptions) {}

  async tick(now: Date): Promise<number> {
    const due = lastScheduled(now, this.o.weekday, this.o.hourUtc);
    if (now.getTime() - due.getTime() > LATE_LIMIT_MS) return 0;
    return this.send(now, due.toISOString().slice(0, 10));
  }

  /** Sends the digest for `week` (a key such as `2026-03-02`) to subscribers who have not had it. */
  async send(now: Date, week: string, tenantId?: string): Promise<number> {
    if (week !== this.week) {
      this.queued.clear();
      this.week = week;
    }
    const subscribers = await digestSubscribers(this.o.db, tenantId);
    if (subscribers.length === 0) return 0;
    const keyOf = (userId: string) => `digest:${week}:${userId}`;
    const sent = new Set(
      (
        await this.o.db.query(
          `SELECT DISTINCT episode_id FROM alert_deliveries WHERE tenant_id IN {tenants:Array(String)} AND rule_id = 'digest' AND episode_id IN {keys:Array(String)}`,
          { tenants: [...new Set(subscribers.map((s) => s.tenantId))], keys: subscribers.map((s) => keyOf(s.userId)) },
          sentRow,
        )
      ).map((r) => r.episode_id),
    );
    const todo = subscribers.filter((s) => !sent.has(keyOf(s.userId)) && !this.queued.has(`${s.tenantId}:${keyOf(s.userId)}`));
    if (todo.length === 0) return 0;
    const names = new Map((await listTenants(this.o.db)).map((t) => [t.tenant_id, t.name]));
    // Recipients with the same tenant and barrier read the same figures: computed once for them.
    const content = new Map<string, Promise<ReturnType<typeof renderDigest>>>();
    let queued = 0;
    for (const s of todo) {
      const scope = await memberScope(this.o.db, s.tenantId, s.userId);
      if (!scope || !ROI_ROLES.includes(scope.role)) continue;
      const key = `${s.tenantId}\0${scope.workflows === null ? "*" : JSON.stringify(scope.workflows)}`;
      let email = content.get(key);
      if (!email) {
        email = digestData(this.o.db, this.o.runMetric, s.tenantId, now, scope.workflows).then((data) =>
          renderDigest(data, names.get(s.tenantId) ?? s.tenantId, this.o.publicUrl),
        );
        content.set(key, email);
      }
      const mail = await email;
      if (this.enqueue(s, keyOf(s.userId), mail)) {
        this.queued.add(`${s.tenantId}:${keyOf(s.userId)}`);
        queued++;
      }
    }
    return queued;
  }

  private enqueue(s: DigestSubscription, episodeId: string, mail: EmailContent): boolean {
    return this.o.dispatcher.enqueue({
      tenantId: s.tenantId,
      ruleId: "digest",
      episodeId,
      event: "digest",
      channel: "email",
      target: s.email,
      send: async () => {
        if (!this.o.mailer) throw new DeliveryError("SMTP is not configured (set SMTP_HOST)", 0, false);
        await this.o.mailer.send(s.email, mail);
        return 0;
      },
    });
  }
}
