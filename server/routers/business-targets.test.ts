import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { monthFigure } from "@/metrics/testing";
import { buildWorld, trpcCode, type World } from "./test-world";

let world: World;
const idx = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
// Tenant a's first go-live: the 15th, five months ago. Only its 90-day checkpoint has passed.
const GM = idx(new Date().toISOString()) - 5;
const goLive = `${month(GM)}-15`;

beforeAll(async () => {
  world = await buildWorld(await testDb());
  await world.db.insert("workflows", [{ tenant_id: world.a.id, workflow: world.a.workflows[0], go_live_date: goLive }]);
  // Churn 10 of 200 clients a month in the baseline year, 6 of 200 since go-live: −2 points.
  const rows = [];
  for (let i = GM - 12; i < GM + 4; i++) {
    rows.push(monthFigure(world.a.id, "business.clients.active", month(i), 200), monthFigure(world.a.id, "business.clients.lost", month(i), i < GM ? 10 : 6));
  }
  await commitBatch(world.db, { businessPoints: rows });
});

describe("business targets and lagging checkpoints through tRPC", () => {
  it("lets an admin set and remove a target that readers see, and judges the checkpoint against it", async () => {
    const admin = world.caller("admin", world.a);
    const t = { tenant: world.a.slug };
    expect(await admin.business.setTarget({ ...t, outcome: "client-churn", target: -0.015 })).toEqual({ outcome: "client-churn", kind: "absolute", target: -0.015 });
    const list = await world.caller("executive", world.a).business.targets(t);
    expect(list.find((x) => x.outcome === "client-churn")).toMatchObject({ target: -0.015, kind: "absolute", better: "lower", updated_by: world.a.users.admin.id });
    expect(list.find((x) => x.outcome === "revenue-per-fte")).toMatchObject({ target: null, kind: "relative" });

    const m = await world.caller("executive", world.a).business.milestones(t);
    expect(m.go_live_date).toBe(goLive);
    const churn = m.checkpoints[0]!.outcomes.find((o) => o.key === "client-churn")!;
    // 6/200 − 10/200 = −0.02, at or below the −0.015 target: met.
    expect(churn).toMatchObject({ status: "met", live: 0.03, baseline: 0.05, target: { target: -0.015 } });
    expect(m.checkpoints.map((c) => c.status)).toEqual(["met", "upcoming", "upcoming"]);
    expect(m.computedAt).not.toBeNull();

    // A stricter target is read at once (the scorecard's fingerprint includes the targets): now missed.
    await admin.business.setTarget({ ...t, outcome: "client-churn", target: -0.03 });
    expect((await admin.business.milestones(t)).checkpoints[0]!.status).toBe("missed");
    expect(await admin.business.removeTarget({ ...t, outcome: "client-churn" })).toEqual({ removed: true });
    expect((await admin.business.milestones(t)).checkpoints[0]!.status).toBe("no target");
    expect(await admin.business.removeTarget({ ...t, outcome: "client-churn" })).toEqual({ removed: false });
  });

  it("refuses a target pointing the wrong way with a sentence naming the field", async () => {
    const err = await world.caller("admin", world.a).business.setTarget({ tenant: world.a.slug, outcome: "client-churn", target: 0.01 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect((err as TRPCError).message).toContain("Client churn (monthly) is better lower");
  });

  it("refuses the targets and checkpoints behind a workflow barrier, and changes to non-admins", async () => {
    const t = { tenant: world.a.slug };
    expect(await trpcCode(world.caller("restricted-executive", world.a).business.milestones(t))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("restricted-executive", world.a).business.targets(t))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("executive", world.a).business.setTarget({ ...t, outcome: "client-churn", target: -0.01 }))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("engineer", world.a).business.milestones(t))).toBe("FORBIDDEN");
    expect(await trpcCode(world.caller("admin", world.b).business.setTarget({ ...t, outcome: "client-churn", target: -0.01 }))).toBe("FORBIDDEN");
  });
});
