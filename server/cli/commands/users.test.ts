import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { localSignIn } from "@/server/auth/local-sign-in";
import { createTenant } from "@/server/tenants";
import type { CommandContext } from "../command";
import { usersCreate, usersSetupLink } from "./users";

let db: Db;
let ctx: CommandContext;
beforeAll(async () => {
  db = await testDb();
  ctx = { db, actor: "cli:test", cwd: mkdtempSync(path.join(tmpdir(), "users-cli-")), progress: () => undefined, remote: true };
});

describe("plumbline users", () => {
  it("creates a member with a password read from a file relative to the caller's directory", async () => {
    const tenant = await createTenant(db, { slug: `cli-${randomUUID().slice(0, 8)}` });
    writeFileSync(path.join(ctx.cwd, "pw.txt"), "a long cli password\n");
    const email = `${randomUUID()}@example.test`;
    const r = await usersCreate.run(ctx, { positionals: [], values: { email, role: "ops", tenant: tenant.slug, "password-file": "pw.txt" } });
    expect(r).toMatchObject({ email, role: "ops", created: true, passwordSet: true });
    expect(await localSignIn(db, { email, password: "a long cli password", ip: "198.51.100.30" })).not.toBeNull();
  });

  it("refuses --password-stdin when forwarded to a running server, and unknown roles", async () => {
    const tenant = await createTenant(db, { slug: `cli-${randomUUID().slice(0, 8)}` });
    const base = { email: "x@example.test", tenant: tenant.slug };
    await expect(usersCreate.run(ctx, { positionals: [], values: { ...base, role: "ops", "password-stdin": true } })).rejects.toThrow(/password-file/);
    await expect(usersCreate.run(ctx, { positionals: [], values: { ...base, role: "root" } })).rejects.toThrow(/--role/);
  });

  it("prints a one-time setup link", async () => {
    const r = await usersSetupLink.run(ctx, { positionals: [], values: {} });
    expect(r.url).toMatch(/\/setup\?token=[A-Za-z0-9_-]{40,}$/);
  });
});
