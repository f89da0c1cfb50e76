import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { ensureUser, setMembership } from "@/server/auth/users";

/** /api/health as an anonymous caller, a member and an admin; the store is the real embedded one. */
const state = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/server/auth/auth", () => ({ currentUser: async () => state.user }));
vi.mock("@/server/db", () => ({ db: testDb }));

const { GET } = await import("./route");

async function person(role: "admin" | "ops") {
  const { user } = await ensureUser(await testDb(), { email: `${randomUUID()}@example.test` });
  await setMembership(await testDb(), { tenantId: freshTenant(), userId: user.user_id, role, updatedBy: "test" });
  return { id: user.user_id, email: user.email };
}

describe("GET /api/health", () => {
  beforeAll(async () => {
    await testDb();
  });

  it("tells anyone the status and the store, and nothing else", async () => {
    state.user = null;
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", store: "embedded" });
    state.user = await person("ops");
    expect(Object.keys((await (await GET()).json()) as object).sort()).toEqual(["status", "store"]);
  });

  it("adds the version, migrations and tenant count for an admin", async () => {
    state.user = await person("admin");
    const body = (await (await GET()).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", store: "embedded", migrations: { pending: [] } });
    expect(body).toHaveProperty("clickhouseVersion");
    expect(body).toHaveProperty("tenants");
  });
});
