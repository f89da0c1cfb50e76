import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import type { Db } from "@/clickhouse/client";
import { verifyPassword } from "../auth/password";
import { ensureUser, membership, userByEmail } from "../auth/users";
import { buildWorld, type World } from "./test-world";

let db: Db;
let world: World;
beforeAll(async () => {
  db = await testDb();
  world = await buildWorld(db);
});

describe("adding a person by e-mail", () => {
  it("answers the same for a person of another tenant as for a new e-mail, with no id or name", async () => {
    const admin = world.caller("admin", world.a);
    const theirs = world.b.users.executive;
    const fresh = `${randomUUID()}@example.test`;
    const existing = await admin.users.create({ tenant: world.a.slug, email: theirs.email, role: "ops", password: "a password of my choosing" });
    const created = await admin.users.create({ tenant: world.a.slug, email: fresh, role: "ops", password: "a password of my choosing" });
    expect(existing).toEqual({ email: theirs.email, added: true });
    expect(created).toEqual({ email: fresh, added: true });
    // The member list does not carry the account's own name either ("executive" in the test world).
    const listed = await admin.users.list({ tenant: world.a.slug });
    expect(JSON.stringify(listed.find((m) => m.email === theirs.email))).not.toContain('"name"');
  });

  it("changes nothing of theirs outside the tenant: not the password, the name or the other membership", async () => {
    const { user } = await ensureUser(db, { email: `${randomUUID()}@example.test`, name: "Dr. Jane Example", password: "the owner's own password" });
    const before = await membership(db, world.b.id, world.b.users.ops.id);
    await world.caller("admin", world.a).users.create({ tenant: world.a.slug, email: user.email, name: "Renamed", role: "admin", password: "an attacker's password!" });
    const after = await userByEmail(db, user.email);
    expect(after?.name).toBe("Dr. Jane Example");
    expect(await verifyPassword("the owner's own password", after?.password_hash ?? "")).toBe(true);
    expect(await verifyPassword("an attacker's password!", after?.password_hash ?? "")).toBe(false);
    expect(await membership(db, world.b.id, world.b.users.ops.id)).toEqual(before);
  });
});
