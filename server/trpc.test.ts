import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { StoreError, type Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { setMembership, ensureUser } from "./auth/users";
import { metricInput, windowInput } from "./routers/metric-window";
import { addDays, dayString, startOfUtcDay } from "@/metrics/scope";
import { createTenant } from "./tenants";
import { createContext, router, summarizeInput, tenantProcedure, type SessionUser } from "./trpc";

let db: Db;
let user: SessionUser;
let slug: string;
beforeAll(async () => {
  db = await testDb();
  slug = `trpc-${randomUUID().slice(0, 8)}`;
  const t = await createTenant(db, { slug });
  const { user: u } = await ensureUser(db, { email: `${randomUUID()}@example.test` });
  await setMembership(db, { tenantId: t.tenant_id, userId: u.user_id, role: "ops", updatedBy: "test" });
  user = { id: u.user_id, email: u.email };
});

const failing = router({
  broken: tenantProcedure("ops").query(() => {
    throw new StoreError("Query failed: SELECT secret FROM users WHERE password_hash = 'x'", "CHDB_QUERY");
  }),
  window: tenantProcedure("ops")
    .input(windowInput)
    .query(({ ctx, input }) => metricInput(ctx, input).from?.toISOString() ?? null),
});

async function callOverHttp(path: string, input: unknown) {
  const req = new Request(`http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: failing, createContext: () => createContext({ db, user, headers: req.headers }) });
  return { status: res.status, body: await res.text() };
}

describe("tRPC errors", () => {
  it("never send SQL or a stack trace to the browser, and log the real cause on the server", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { status, body } = await callOverHttp("broken", { tenant: slug });
    expect(status).toBe(500);
    expect(body).toContain("Something went wrong on the server");
    expect(body).not.toMatch(/SELECT|password_hash|stack|at .*\.ts/);
    expect(String(log.mock.calls[0]?.[1])).toContain("SELECT secret");
    log.mockRestore();
  });

  it("answer a malformed tenant slug as a bad request", async () => {
    const { status } = await callOverHttp("broken", { tenant: "'; DROP TABLE users; --" });
    expect(status).toBe(400);
  });
});

describe("validation errors", () => {
  const messageOf = (body: string) => (JSON.parse(body) as { error: { message: string; data: { fields?: string[] } } }).error;

  it("read as one 'field: message' sentence per invalid field, with the fields listed", async () => {
    const { status, body } = await callOverHttp("window", { tenant: slug, from: "2026-02-30", workflow: "" });
    expect(status).toBe(400);
    const error = messageOf(body);
    expect(error.message).toMatch(/^from: use a date written YYYY-MM-DD\. workflow: .+\.$/);
    expect(error.message).not.toContain("{");
    expect(error.data.fields).toEqual(["from", "workflow"]);
  });

  const daysAgo = (n: number) => dayString(addDays(startOfUtcDay(new Date()), -n));

  it("refuse an inverted window with the filter bar's sentence", async () => {
    const { status, body } = await callOverHttp("window", { tenant: slug, from: daysAgo(3), to: daysAgo(10) });
    expect(status).toBe(400);
    expect(messageOf(body).message).toBe(`From (${daysAgo(3)}) is after To (${daysAgo(10)}): pick a start on or before the end.`);
  });

  it("let a valid window through", async () => {
    const { status, body } = await callOverHttp("window", { tenant: slug, from: daysAgo(10), to: daysAgo(3) });
    expect(status).toBe(200);
    expect(body).toContain(`${daysAgo(10)}T00:00:00.000Z`);
  });
});

describe("summarizeInput", () => {
  it("redacts secrets at any depth and caps the length", () => {
    expect(summarizeInput({ tenant: "a", nested: { password: "p", clientSecret: "s" } })).toBe(
      '{"tenant":"a","nested":{"password":"[redacted]","clientSecret":"[redacted]"}}',
    );
    expect(summarizeInput({ note: "x".repeat(2000) }).length).toBe(500);
  });
});
