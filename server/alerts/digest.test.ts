import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { Role } from "@/server/auth/roles";
import { ensureUser, setMembership } from "@/server/auth/users";
import { saveGroup } from "@/server/auth/workflow-groups";
import { createTenant } from "@/server/tenants";
import { WeeklyDigest, lastScheduled } from "./digest";
import { setDigestSubscription } from "./digest-subscriptions";
import { Dispatcher } from "./dispatcher";
import { smtpMailer, type Mailer } from "./email";
import type { MetricResult, MetricRunner } from "./metric-runner";
import { startSmtpSink } from "./test-receivers";

let db: Db;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let mailer: Mailer;

beforeAll(async () => {
  db = await testDb();
  smtp = await startSmtpSink();
  mailer = smtpMailer({ host: "127.0.0.1", port: smtp.port, secure: false, from: "digest@plumbline.test" });
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
});

const result = (key: string, value: number | null, extra: object = {}): MetricResult & object => ({
  key,
  title: key,
  unit: "",
  status: value === null ? "insufficient_data" : "ok",
  headline: { value, unit: "", label: key },
  ...extra,
});

/** Metrics as the engine would report them: this week better than last for intake, a milestone at risk. */
const runMetric: MetricRunner = async (_db, key, input) => {
  const thisWeek = (input.from?.getTime() ?? 0) > Date.now() - 8 * 86_400_000;
  const toDate = (input.to?.getTime() ?? 0) - (input.from?.getTime() ?? 0) > 30 * 86_400_000;
  if (key === "labor-hours" && !input.workflow) return result(key, toDate ? 412.5 : 31.25, { value: toDate ? 33000 : 2500, currency: "USD" });
  if (key === "milestones") return result(key, null, { workflows: [{ workflow: "client-intake", checkpoints: [{ days: 90, status: "at risk" }, { days: 182, status: "on track" }] }] });
  if (key === "exception-rate" && input.workflow === "client-intake") return result(key, thisWeek ? 0.08 : 0.16);
  if (key === "labor-hours" && input.workflow === "client-intake") return result(key, thisWeek ? 31 : 30);
  throw new Error(`Unknown metric ${key}`);
};

describe("the weekly executive digest", () => {
  it("is scheduled at the configured weekday and hour (UTC)", () => {
    expect(lastScheduled(new Date("2026-03-04T12:00:00Z"), 1, 8).toISOString()).toBe("2026-03-02T08:00:00.000Z");
    expect(lastScheduled(new Date("2026-03-02T07:59:00Z"), 1, 8).toISOString()).toBe("2026-02-23T08:00:00.000Z");
  });

  it("goes once a week to each opted-in user, with value, milestones, the biggest changes and stale sources", async () => {
    const tenantId = freshTenant();
    await createTenant(db, { slug: `firm-${tenantId.slice(2, 10)}`, name: "Smith & Partners", tenantId });
    const actor = { tenantId, actorId: "u-admin" };
    const exec = `exec-${tenantId}@firm.test`;
    const former = `former-${tenantId}@firm.test`;
    // Digests go to members only, with their role and barrier (digest-barriers.test.ts).
    const member = async (email: string) => {
      const { user } = await ensureUser(db, { email });
      await setMembership(db, { tenantId, userId: user.user_id, role: "executive", updatedBy: "test" });
      return user.user_id;
    };
    const [execId, formerId] = [await member(exec), await member(former)];
    await setDigestSubscription(db, actor, { userId: execId, email: exec, enabled: true });
    await setDigestSubscription(db, actor, { userId: formerId, email: former, enabled: true });
    await new Promise((r) => setTimeout(r, 5));
    await setDigestSubscription(db, actor, { userId: formerId, email: former, enabled: false });
    await db.insert("workflows", [{ tenant_id: tenantId, workflow: "client-intake" }]);
    await db.insert("sources", [{ tenant_id: tenantId, source: "pms", freshness_sla_minutes: 120 }]);

    const now = new Date();
    const monday = lastScheduled(now, now.getUTCDay(), 0);
    const at = new Date(monday.getTime() + 30 * 60_000);
    const digest = () => {
      const dispatcher = new Dispatcher({ db, log: () => undefined });
      return { dispatcher, digest: new WeeklyDigest({ db, runMetric, dispatcher, mailer, publicUrl: "https://plumbline.example", weekday: now.getUTCDay(), hourUtc: 0 }) };
    };
    const first = digest();
    expect(await first.digest.tick(at)).toBe(1);
    expect(await first.digest.tick(new Date(at.getTime() + 60_000))).toBe(0);
    await first.dispatcher.drain();
    const restarted = digest();
    expect(await restarted.digest.tick(new Date(at.getTime() + 120_000))).toBe(0);

    const mails = smtp.mails.filter((m) => m.to.includes(exec) || m.to.includes(former));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toMatch(/^\[Plumbline\] Weekly digest for Smith & Partners: \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/);
    expect(mail?.text).toContain("This week: 31.3 hours displaced, $2,500");
    expect(mail?.text).toContain("To date: 412.5 hours displaced, $33,000");
    expect(mail?.text).toContain("client-intake:90d: at risk");
    expect(mail?.text).toContain("client-intake — Exception rate: 0.16 → 0.08 (-50%)");
    expect(mail?.text.indexOf("Exception rate")).toBeLessThan(mail?.text.indexOf("Labor hours displaced: 30") ?? 0);
    expect(mail?.text).toContain("pms: never synced (SLA 2 h) (https://plumbline.example/sources)");
    expect(mail?.html).toContain('<a href="https://plumbline.example/workflows/client-intake">');
    expect(mail?.html).toContain("Smith &#38; Partners");
  });
});

/**
 * An engine that honours the barrier (`workflows`) for totals, but lists every workflow's milestones
 * whatever it is asked: the digest must not rely on the engine alone to keep other workflows out.
 */
const scopedRunMetric: MetricRunner = async (_db, key, input) => {
  const thisWeek = (input.from?.getTime() ?? 0) > Date.now() - 8 * 86_400_000;
  const scoped = input.workflows !== null && input.workflows !== undefined;
  if (key === "labor-hours" && !input.workflow) return result(key, scoped ? 7.5 : 912.5, { value: scoped ? 750 : 91_000, currency: "USD" });
  if (key === "milestones") {
    const checkpoints = [{ days: 90, status: "at risk" }];
    return result(key, null, { workflows: [{ workflow: "client-intake", checkpoints }, { workflow: "billing-narrative", checkpoints }] });
  }
  if (key === "exception-rate") return result(key, thisWeek ? 0.065 : 0.02);
  return result(key, null);
};

async function member(tenantId: string, role: Role, groups: string[] = []): Promise<{ id: string; email: string }> {
  const email = `${role}-${groups.length ? "barred" : "all"}-${tenantId}@firm.test`;
  const { user } = await ensureUser(db, { email });
  await setMembership(db, { tenantId, userId: user.user_id, role, groups, updatedBy: "test" });
  await setDigestSubscription(db, { tenantId, actorId: "test" }, { userId: user.user_id, email, enabled: true });
  return { id: user.user_id, email };
}

/** Issue 24 finding 2: the digest is computed per recipient, with the recipient's role and barrier. */
describe("the weekly digest per recipient", () => {
  it("gives a barred executive only their workflows' figures, an unbarred one the firm's, an engineer nothing", async () => {
    const tenantId = freshTenant();
    await createTenant(db, { slug: `firm-${tenantId.slice(2, 10)}`, name: "Barrier & Co", tenantId });
    await db.insert("workflows", [
      { tenant_id: tenantId, workflow: "client-intake" },
      { tenant_id: tenantId, workflow: "billing-narrative" },
    ]);
    const group = await saveGroup(db, { tenantId, name: "intake", workflows: ["client-intake"], updatedBy: "test" });
    const barred = await member(tenantId, "executive", [group.group_id]);
    const firm = await member(tenantId, "executive");
    const engineer = await member(tenantId, "engineer");
    const removed = await member(tenantId, "ops");
    await setMembership(db, { tenantId, userId: removed.id, role: "engineer", updatedBy: "test" });

    const now = new Date();
    const at = new Date(lastScheduled(now, now.getUTCDay(), 0).getTime() + 30 * 60_000);
    const dispatcher = new Dispatcher({ db, log: () => undefined });
    const digest = new WeeklyDigest({ db, runMetric: scopedRunMetric, dispatcher, mailer, publicUrl: "https://plumbline.example", weekday: now.getUTCDay(), hourUtc: 0 });
    expect(await digest.tick(at)).toBe(2);
    await dispatcher.drain();

    const to = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
    expect(to(engineer.email)).toEqual([]);
    expect(to(removed.email)).toEqual([]);
    const [mine] = to(barred.email);
    expect(mine?.text).toContain("Value in your workflows (client-intake)");
    expect(mine?.text).toContain("This week: 7.5 hours displaced, $750");
    expect(mine?.text).toContain("client-intake:90d: at risk");
    expect(`${mine?.text}${mine?.html}`).not.toMatch(/billing-narrative|912\.5|91,000/);
    const [all] = to(firm.email);
    expect(all?.text).toContain("This week: 912.5 hours displaced, $91,000");
    expect(all?.text).toContain("billing-narrative:90d: at risk");
  });
});
