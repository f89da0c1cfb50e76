import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { createCaller } from "@/server/root";
import { buildWorld, type World } from "@/server/routers/test-world";
import { CLIENT_IP_HEADER } from "@/server/auth/client-ip";
import { saveWorkflowControls } from "@/metrics/workflow-controls";
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

  it("lists each workflow's control comparison in the summary, with the reason when there is no estimate", async () => {
    const t = state.world!.a;
    const [treated, control] = t.workflows;
    const db = await testDb();
    // A milestone workflow (one with a go-live) that names a control.
    await db.insert("workflows", [{ tenant_id: t.id, workflow: treated, go_live_date: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10), updated_at: new Date() }]);
    await saveWorkflowControls(db, t.id, treated, [control], "test");
    const res = await GET(new Request(`http://localhost/api/evidence?tenant=${t.slug}&file=metrics.json`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { controls: { workflow: string; result: { controls: string[]; reason?: string } }[] };
    const row = body.controls.find((c) => c.workflow === treated);
    // The world's workflows have no locked baseline: the comparison names its control and says why there is no estimate.
    expect(row?.result.controls).toEqual([control]);
    expect(row?.result.reason).toContain("locked, measured baseline");
  });

  it("refuses a download another site's page starts", async () => {
    const res = await GET(new Request(`http://localhost/api/evidence?tenant=${state.world!.a.slug}`, { headers: { "sec-fetch-site": "same-site" } }));
    expect(res.status).toBe(403);
  });
});
