import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { resetEnvCache } from "@/server/env";
import { createTenant } from "@/server/tenants";
import { ensureFirstAdmin } from "./first-admin";
import { localSignIn } from "./local-sign-in";
import { membership, userByEmail } from "./users";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});
afterEach(() => {
  delete process.env.PLUMBLINE_ADMIN_EMAIL;
  delete process.env.PLUMBLINE_ADMIN_PASSWORD;
  resetEnvCache();
});

describe("ensureFirstAdmin", () => {
  it("prints a one-time setup link when there are no users and no admin in the environment", async () => {
    const lines: string[] = [];
    await ensureFirstAdmin(db, { origin: "http://localhost:3000", log: (l) => lines.push(l) });
    expect(lines.join("\n")).toMatch(/http:\/\/localhost:3000\/setup\?token=[A-Za-z0-9_-]{40,}/);
  });

  it("makes the admin from the environment an admin of every tenant, able to sign in", async () => {
    const tenants = [await createTenant(db, { slug: `fa-${randomUUID().slice(0, 8)}` }), await createTenant(db, { slug: `fb-${randomUUID().slice(0, 8)}` })];
    const email = `${randomUUID()}@example.test`;
    Object.assign(process.env, { PLUMBLINE_ADMIN_EMAIL: email, PLUMBLINE_ADMIN_PASSWORD: "first admin password" });
    resetEnvCache();
    await ensureFirstAdmin(db, { origin: "http://localhost:3000", log: () => undefined });
    const user = await userByEmail(db, email);
    for (const t of tenants) expect((await membership(db, t.tenant_id, user?.user_id ?? ""))?.role).toBe("admin");
    expect(await localSignIn(db, { email, password: "first admin password", ip: "198.51.100.20" })).not.toBeNull();
  });
});
