import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import type { Db } from "@/clickhouse/client";
import { localSignIn } from "../auth/local-sign-in";
import { sessionEpoch } from "../auth/sessions";
import { membership, userByEmail } from "../auth/users";
import { z } from "zod";
import { buildWorld, trpcCode, type World } from "./test-world";

let db: Db;
let world: World;
beforeAll(async () => {
  db = await testDb();
  world = await buildWorld(db);
});

const PASSWORD = "a password of twelve+";

/** Adds a fresh member to tenant a through the API, as the Settings page does. */
async function addMember(role: "admin" | "ops" = "ops") {
  const email = `${randomUUID()}@example.test`;
  await world.caller("admin", world.a).users.create({ tenant: world.a.slug, email, role, password: PASSWORD });
  const user = await userByEmail(db, email);
  return { email, id: user!.user_id };
}

async function auditActions(action: string, userId: string): Promise<string[]> {
  const rows = await db.query(
    "SELECT result FROM audit_log WHERE tenant_id = {t:String} AND action = {a:String} AND position(input_summary, {u:String}) > 0",
    { t: world.a.id, a: action, u: userId },
    z.object({ result: z.string() }),
  );
  return rows.map((r) => r.result);
}

describe("disabling and enabling a member", () => {
  it("stops sign-in and ends existing sessions; enabling lets them sign in again", async () => {
    const m = await addMember();
    const epoch = await sessionEpoch(db, m.id);
    const admin = world.caller("admin", world.a).memberships;
    expect(await admin.setDisabled({ tenant: world.a.slug, userId: m.id, disabled: true })).toEqual({ userId: m.id, disabled: true });
    expect(await sessionEpoch(db, m.id)).toBe(epoch + 1);
    expect(await localSignIn(db, { email: m.email, password: PASSWORD, ip: "203.0.113.50" })).toBeNull();
    const listed = await world.caller("admin", world.a).users.list({ tenant: world.a.slug });
    expect(listed.find((u) => u.userId === m.id)?.disabled).toBe(true);
    await admin.setDisabled({ tenant: world.a.slug, userId: m.id, disabled: false });
    expect((await localSignIn(db, { email: m.email, password: PASSWORD, ip: "203.0.113.51" }))?.id).toBe(m.id);
    expect(await auditActions("memberships.setDisabled", m.id)).toEqual(["ok", "ok"]);
  });

  it("refuses an account that belongs to another tenant too, and changes nothing", async () => {
    const theirs = world.b.users.executive;
    await world.caller("admin", world.a).users.create({ tenant: world.a.slug, email: theirs.email, role: "ops" });
    const epoch = await sessionEpoch(db, theirs.id);
    await expect(world.caller("admin", world.a).memberships.setDisabled({ tenant: world.a.slug, userId: theirs.id, disabled: true })).rejects.toThrow(/another tenant/);
    expect((await userByEmail(db, theirs.email))?.disabled).toBe(0);
    expect(await sessionEpoch(db, theirs.id)).toBe(epoch);
  });
});

describe("removing a member", () => {
  it("takes them out of the tenant and ends their sessions", async () => {
    const m = await addMember();
    const epoch = await sessionEpoch(db, m.id);
    await world.caller("admin", world.a).memberships.remove({ tenant: world.a.slug, userId: m.id });
    expect(await membership(db, world.a.id, m.id)).toBeUndefined();
    expect(await sessionEpoch(db, m.id)).toBe(epoch + 1);
    expect(await auditActions("memberships.remove", m.id)).toEqual(["ok"]);
  });
});

describe("an admin cannot lock the tenant out", () => {
  it("refuses to remove, disable or demote yourself, and audits the refusal", async () => {
    const self = world.a.users.admin;
    const admin = world.caller("admin", world.a).memberships;
    await expect(admin.remove({ tenant: world.a.slug, userId: self.id })).rejects.toThrow(/cannot remove yourself/);
    await expect(admin.setDisabled({ tenant: world.a.slug, userId: self.id, disabled: true })).rejects.toThrow(/cannot disable yourself/);
    expect(await membership(db, world.a.id, self.id)).toMatchObject({ role: "admin" });
    expect((await userByEmail(db, self.email))?.disabled).toBe(0);
    expect(await auditActions("memberships.remove", self.id)).toEqual(["error"]);
  });

  it("counts a disabled admin as no admin: the last active admin cannot step down", async () => {
    const other = await addMember("admin");
    const self = world.a.users.admin;
    const admin = world.caller("admin", world.a).memberships;
    await admin.setDisabled({ tenant: world.a.slug, userId: other.id, disabled: true });
    expect(await trpcCode(admin.update({ tenant: world.a.slug, userId: self.id, role: "ops", groups: [] }))).toBe("PRECONDITION_FAILED");
    expect(await membership(db, world.a.id, self.id)).toMatchObject({ role: "admin" });
    await admin.setDisabled({ tenant: world.a.slug, userId: other.id, disabled: false });
    // With another active admin, the same step is allowed; put it back for the other tests.
    await admin.update({ tenant: world.a.slug, userId: other.id, role: "ops", groups: [] });
  });
});
