import { describe, expect, it, vi } from "vitest";
import { freshTenant } from "@/clickhouse/testing";

/** The upload route with a signed-in admin; the import itself runs against the real embedded store. */
const state = vi.hoisted(() => ({ tenantId: "" }));
vi.mock("@/server/auth/auth", () => ({ currentUser: async () => ({ id: "u-admin", email: "admin@example.test" }) }));
vi.mock("@/server/auth/access", () => ({ resolveAccess: async () => ({ role: "admin", tenant: { id: state.tenantId } }) }));
vi.mock("@/server/db", async () => {
  const { testDb } = await import("@/clickhouse/testing");
  return { db: testDb };
});

const { POST } = await import("./route");

/** Both dates fit both orders, so the file says nothing about its order. */
const AMBIGUOUS = "case,activity,timestamp\nA,x,12/03/2025 09:00\nB,x,01/02/2025 09:00\n";

function upload(mode: "preview" | "commit", csv: string, dateOrder?: string): Request {
  const form = new FormData();
  form.set("tenant", "firm");
  form.set("workflow", "intake");
  form.set("mode", mode);
  if (dateOrder !== undefined) form.set("dateOrder", dateOrder);
  form.set("file", new File([csv], "intake.csv", { type: "text/csv" }));
  return new Request("http://localhost/api/baseline/import", { method: "POST", body: form });
}

async function lines(res: Response): Promise<Record<string, unknown>[]> {
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("POST /api/baseline/import and the date order", () => {
  it("refuses an ambiguous file naming the form's Date order field, not a CLI flag", async () => {
    state.tenantId = freshTenant();
    const preview = await POST(upload("preview", AMBIGUOUS));
    expect(preview.status).toBe(422);
    const text = await preview.text();
    expect(text).toMatch(/"Date order"/);
    expect(text).not.toMatch(/--date-order/);
    const committed = await lines(await POST(upload("commit", AMBIGUOUS, "auto")));
    expect(committed.at(-1)?.error).toMatch(/"Date order"/);
    expect(committed.at(-1)?.error).not.toMatch(/--/);
  });

  it("passes the chosen order through to the preview and the import", async () => {
    state.tenantId = freshTenant();
    const preview = await POST(upload("preview", AMBIGUOUS, "dmy"));
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as { dateOrder: string; rows: { time: string }[] };
    expect(body.dateOrder).toBe("dmy");
    expect(body.rows.map((r) => r.time)).toEqual(["2025-03-12T09:00:00.000Z", "2025-02-01T09:00:00.000Z"]);
    const committed = await lines(await POST(upload("commit", AMBIGUOUS, "dmy")));
    expect(committed.at(-1)?.summary).toMatchObject({ status: "imported", runs: 2, dateOrder: "dmy", period: { from: "2025-02-01T09:00:00.000Z" } });
  });

  it("rejects a date order the form does not offer", async () => {
    state.tenantId = freshTenant();
    expect((await POST(upload("preview", AMBIGUOUS, "ymd"))).status).toBe(400);
  });
});
