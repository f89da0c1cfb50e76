import { randomUUID } from "node:crypto";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { localSignIn } from "./local-sign-in";
import { RateLimiter } from "./rate-limit";
import { ensureUser, setMembership } from "./users";
import { freshTenant } from "@/clickhouse/testing";

const PASSWORD = "correct horse battery staple";
let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const limits = () => ({
  account: new RateLimiter({ max: 10, windowMs: 60_000, lockMs: 900_000 }),
  ip: new RateLimiter({ max: 50, windowMs: 60_000, lockMs: 900_000 }),
});

async function person(): Promise<string> {
  const email = `${randomUUID()}@example.test`;
  await ensureUser(db, { email, password: PASSWORD });
  return email;
}

async function signInEvents(email: string) {
  return db.query(
    `SELECT toString(result) AS result, detail, actor_id, ip FROM audit_log WHERE kind = 'auth' AND actor_email = {email:String} ORDER BY at`,
    { email },
    z.object({ result: z.string(), detail: z.string(), actor_id: z.string(), ip: z.string() }),
  );
}

describe("local sign-in", () => {
  it("signs in with the right password, case-insensitively on the e-mail", async () => {
    const email = await person();
    const user = await localSignIn(db, { email: email.toUpperCase(), password: PASSWORD, ip: "198.51.100.1" }, limits());
    expect(user?.email).toBe(email);
  });

  it("answers a wrong password and an unknown account the same way", async () => {
    const email = await person();
    expect(await localSignIn(db, { email, password: "wrong password!", ip: "198.51.100.1" }, limits())).toBeNull();
    expect(await localSignIn(db, { email: `nobody-${email}`, password: PASSWORD, ip: "198.51.100.1" }, limits())).toBeNull();
  });

  it("refuses even the right password after 10 failures in a minute, without checking it", async () => {
    const email = await person();
    const l = limits();
    for (let i = 0; i < 10; i++) await localSignIn(db, { email, password: `guess ${i} guess`, ip: "198.51.100.2" }, l);
    expect(await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.3" }, l)).toBeNull();
    const events = await signInEvents(email);
    expect(events.at(-1)).toMatchObject({ result: "denied", detail: "locked out after repeated failures" });
    expect(events.filter((e) => e.detail === "bad credentials")).toHaveLength(10);
  });

  it("locks an IP that tries many accounts", async () => {
    const l = { account: limits().account, ip: new RateLimiter({ max: 3, windowMs: 60_000, lockMs: 900_000 }) };
    for (let i = 0; i < 3; i++) await localSignIn(db, { email: `${randomUUID()}@example.test`, password: "x", ip: "198.51.100.9" }, l);
    const email = await person();
    expect(await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.9" }, l)).toBeNull();
    expect(await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.10" }, l)).not.toBeNull();
  });

  it("writes every attempt to the audit log with the account and the IP", async () => {
    const email = await person();
    const user = await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.4" }, limits());
    expect(await signInEvents(email)).toEqual([{ result: "ok", detail: "local", actor_id: user?.id, ip: "198.51.100.4" }]);
  });

  it("logs a member's sign-ins in each of their tenants, where its admins can see them", async () => {
    const email = await person();
    const user = await localSignIn(db, { email, password: "not the password", ip: "198.51.100.5" }, limits());
    expect(user).toBeNull();
    const [a, b] = [freshTenant(), freshTenant()];
    const id = (await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.5" }, limits()))?.id ?? "";
    for (const tenantId of [a, b]) await setMembership(db, { tenantId, userId: id, role: "ops", updatedBy: "test" });
    await localSignIn(db, { email, password: PASSWORD, ip: "198.51.100.6" }, limits());
    const rows = await db.query(
      "SELECT tenant_id, toString(result) AS result, ip FROM audit_log WHERE kind = 'auth' AND actor_email = {email:String} AND ip = '198.51.100.6' ORDER BY tenant_id",
      { email },
      z.object({ tenant_id: z.string(), result: z.string(), ip: z.string() }),
    );
    expect(rows).toEqual([a, b].sort().map((tenant_id) => ({ tenant_id, result: "ok", ip: "198.51.100.6" })));
  });
});
