import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { daysAgo, run } from "@/metrics/testing";
import { encodeCursor, type QueueItem } from "./exception-queue";
import { buildWorld, type World } from "./test-world";

let world: World;
/** Five exceptions of the first workflow that all end at the same instant: the cursor must order them by id. */
let tied: string[];
let barredRun: string;

beforeAll(async () => {
  world = await buildWorld(await testDb());
  const tenant = world.a.id;
  const [intake, billing] = world.a.workflows;
  const at = daysAgo(1);
  const runs = Array.from({ length: 5 }, () => run(tenant, { workflow: intake, run_id: randomUUID(), outcome: "exception", exception_reason: "tie", at }));
  const other = run(tenant, { workflow: billing, run_id: randomUUID(), outcome: "exception", at: daysAgo(2) });
  tied = runs.map((r) => r.run_id).sort();
  barredRun = other.run_id;
  await commitBatch(world.db, { runs: [...runs, other] });
});

const slug = () => world.a.slug;
const intakeQueue = (who: "ops" | "admin" | "restricted-ops", extra: object = {}) =>
  world.caller(who, world.a).exceptions.list({ tenant: slug(), workflow: world.a.workflows[0], states: ["new", "acknowledged", "assigned"], ...extra });

describe("the exception queue's pages", () => {
  it("pages by cursor through items with equal opening times, each once, in id order", async () => {
    const seen: QueueItem[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const items = await intakeQueue("ops", { limit: 2, ...(after ? { after } : {}) });
      if (items.length === 0) break;
      seen.push(...items);
      after = encodeCursor(items[items.length - 1]!);
    }
    // Every item opened at the same instant; the queue's order then is (workflow, run_id), one workflow here.
    expect(seen.map((i) => i.run_id)).toEqual(tied);
    expect(new Set(seen.map((i) => i.opened_at)).size).toBe(1);
    const count = await world.caller("ops", world.a).exceptions.count({ tenant: slug(), workflow: world.a.workflows[0] });
    expect(count.items).toBe(5);
  });

  it("gives a page and its filter's totals in one call, the same as the list and the count, past the last page too", async () => {
    const ex = world.caller("ops", world.a).exceptions;
    const filter = { tenant: slug(), states: ["new" as const, "acknowledged" as const, "assigned" as const] };
    const all = await ex.list({ ...filter, limit: 2000 });
    const count = await ex.count(filter);
    // By hand: the five tied exceptions of the first workflow and the one of the second, none past an SLA.
    expect(count).toEqual({ items: 6, past_sla: 0 });
    const pages: QueueItem[][] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await ex.page({ ...filter, limit: 4, ...(after ? { after } : {}) });
      expect(page.count).toEqual(count);
      if (page.items.length === 0) break;
      pages.push(page.items);
      after = encodeCursor(page.items[page.items.length - 1]!);
    }
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat()).toEqual(all);
    const none = await world.caller("ops", world.b).exceptions.page({ tenant: world.b.slug });
    expect(none.count.items).toBe(none.items.length);
    await expect(ex.page({ ...filter, after: "not-a-cursor" })).rejects.toThrow(/page link is damaged/);
  });

  it("refuses a damaged cursor in words", async () => {
    await expect(intakeQueue("ops", { after: "not-a-cursor" })).rejects.toThrow(/page link is damaged/);
  });
});

describe("assignment and 'assigned to me'", () => {
  it("offers as assignees the acting members who may see the workflow", async () => {
    const u = world.a.users;
    const got = await world.caller("ops", world.a).exceptions.assignees({ tenant: slug(), workflows: [...world.a.workflows] });
    // By hand: ops and admin roles act; the restricted ops member's group holds only the first workflow.
    const acting = [u.admin.email, u.ops.email, u.spare.email].map((e) => e.toLowerCase());
    expect([...got[world.a.workflows[0]]!].sort()).toEqual([...acting, u["restricted-ops"].email.toLowerCase()].sort());
    expect([...got[world.a.workflows[1]]!].sort()).toEqual([...acting].sort());
  });

  it("refuses an assignee who is not such a member, with a readable error", async () => {
    const ops = world.caller("ops", world.a).exceptions;
    await expect(ops.assign({ tenant: slug(), runId: tied[0]!, assignee: "stranger@example.test" })).rejects.toThrow(/cannot take exceptions of/);
    await expect(ops.assign({ tenant: slug(), runId: barredRun, assignee: world.a.users["restricted-ops"].email })).rejects.toThrow(/cannot take exceptions of/);
    await expect(ops.assign({ tenant: slug(), runId: tied[0]!, assignee: world.a.users.executive.email })).rejects.toThrow(/cannot take exceptions of/);
  });

  it("lists only the caller's items under 'assigned to me'", async () => {
    const ops = world.caller("ops", world.a).exceptions;
    await ops.assign({ tenant: slug(), runId: tied[1]!, assignee: world.a.users.ops.email.toUpperCase() });
    await ops.assign({ tenant: slug(), runId: tied[2]!, assignee: world.a.users.admin.email });
    expect((await intakeQueue("ops", { assignedToMe: true })).map((i) => i.run_id)).toEqual([tied[1]]);
    expect((await intakeQueue("admin", { assignedToMe: true })).map((i) => i.run_id)).toEqual([tied[2]]);
    expect((await ops.count({ tenant: slug(), assignedToMe: true })).items).toBe(1);
  });
});

describe("bulk acknowledge", () => {
  it("acknowledges what the caller may see, reports the barred run by id, and audits each run", async () => {
    const restricted = world.caller("restricted-ops", world.a).exceptions;
    const res = await restricted.acknowledgeMany({ tenant: slug(), runIds: [tied[3]!, barredRun, tied[4]!] });
    expect(res.acknowledged).toBe(2);
    expect(res.results).toEqual([
      { runId: tied[3], ok: true },
      { runId: barredRun, ok: false, error: "No such exception." },
      { runId: tied[4], ok: true },
    ]);
    const all = await world.caller("ops", world.a).exceptions.list({ tenant: slug(), states: ["new", "acknowledged", "assigned"] });
    const state = (id: string) => all.find((i) => i.run_id === id)?.state;
    expect([state(tied[3]!), state(tied[4]!), state(barredRun)]).toEqual(["acknowledged", "acknowledged", "new"]);
    const audited = await world.db.query(
      `SELECT input_summary, toString(result) AS result FROM audit_log WHERE tenant_id = {t:String} AND action = 'exceptions.acknowledgeMany:item' AND actor_id = {u:String}`,
      { t: world.a.id, u: world.a.users["restricted-ops"].id },
      z.object({ input_summary: z.string(), result: z.string() }),
    );
    const byRun = Object.fromEntries(audited.map((r) => [(JSON.parse(r.input_summary) as { runId: string }).runId, r.result]));
    expect(byRun).toEqual({ [tied[3]!]: "ok", [barredRun]: "denied", [tied[4]!]: "ok" });
  });
});
