import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { createCaller } from "@/server/root";
import { buildWorld, type World } from "@/server/routers/test-world";
import { CLIENT_IP_HEADER } from "@/server/auth/client-ip";
import { createContext } from "@/server/trpc";

/** The evidence pack as a tenant admin, through the real procedures and the embedded store. */
const state = vi.hoisted(() => ({ world: undefined as World | undefined }));
const admin = () => state.world!.a.users.admin;
vi.mock("@/server/auth/auth", () => ({ currentUser: async () => admin() }));
vi.mock("@/server/db", () => ({ db: testDb }));
vi.mock("@/app/trpc/server", () => ({ serverCaller: async () => createCaller(createContext({ db: await testDb(), user: admin() })) }));

const { GET } = await import("./route");

beforeAll(async () => {
  state.world = await buildWorld(await testDb());
});

describe("GET /api/evidence", () => {
  it("records the download itself, with the file, the period and the client IP", async () => {
    const t = state.world!.a;
    const res = await GET(new Request(`http://localhost/api/evidence?tenant=${t.slug}&file=violations.csv&from=2026-01-01&to=2026-01-31`, { headers: { [CLIENT_IP_HEADER]: "198.51.100.30" } }));
    expect(res.status).toBe(200);
    const rows = await (await testDb()).query(
      "SELECT actor_id, input_summary, ip FROM audit_log WHERE tenant_id = {tenant:String} AND action = 'evidence.download'",
      { tenant: t.id },
      z.object({ actor_id: z.string(), input_summary: z.string(), ip: z.string() }),
    );
    expect(rows).toEqual([{ actor_id: admin().id, input_summary: "file=violations.csv from=2026-01-01 to=2026-01-31", ip: "198.51.100.30" }]);
  });

  it("refuses a download another site's page starts", async () => {
    const res = await GET(new Request(`http://localhost/api/evidence?tenant=${state.world!.a.slug}`, { headers: { "sec-fetch-site": "same-site" } }));
    expect(res.status).toBe(403);
  });
});
