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

function upload(mode: "preview" | "commit", csv: string, dateOrder?: string, columns: Record<string, string> = {}): Request {
  const form = new FormData();
  form.set("tenant", "firm");
  form.set("workflow", "intake");
  form.set("mode", mode);
  if (dateOrder !== undefined) form.set("dateOrder", dateOrder);
  for (const [f, column] of Object.entries(columns)) form.set(`map.${f}`, column);
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

/** Headers no detection knows, with the timestamp of lines 3 and 5 unreadable. */
const ODD_HEADERS = "Ref,What,When\nA,open,2025-01-01 09:00\nA,close,yesterday\nB,open,2025-01-02 09:00\nB,close,soon\n";

describe("POST /api/baseline/import and the column choices", () => {
  it("answers a missing column with the header and tells the user to choose it in the form", async () => {
    state.tenantId = freshTenant();
    const res = await POST(upload("preview", ODD_HEADERS));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; headers: string[] };
    expect(body.headers).toEqual(["Ref", "What", "When"]);
    expect(body.error).toMatch(/No column found for caseId, activity, timestamp/);
    expect(body.error).toMatch(/under "Columns"/);
    expect(body.error).not.toMatch(/--map/);
  });

  it("imports with the chosen columns and lists the skipped lines with their reason", async () => {
    state.tenantId = freshTenant();
    const columns = { caseId: "Ref", activity: "What", timestamp: "When" };
    const preview = await POST(upload("preview", ODD_HEADERS, undefined, columns));
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as { mapping: object }).mapping).toEqual(columns);
    const committed = await lines(await POST(upload("commit", ODD_HEADERS, undefined, columns)));
    expect(committed.some((l) => l.progress !== undefined)).toBe(true);
    const summary = committed.at(-1)?.summary as { runs: number; skipped: number; skippedReasons: { reason: string; count: number; lines: number[] }[] };
    expect(summary).toMatchObject({ runs: 2, skipped: 2 });
    expect(summary.skippedReasons).toEqual([expect.objectContaining({ reason: "unparsable timestamp", count: 2, lines: [3, 5] })]);
  });

  it("keeps the first ten skipped line numbers of a reason and counts the rest", async () => {
    state.tenantId = freshTenant();
    // Line 1 is the header, line 2 a good row, lines 3..17 fifteen rows without a case id.
    const csv = `case,activity,timestamp\nA,x,2025-01-01 09:00\n${Array.from({ length: 15 }, () => ",x,2025-01-01 10:00").join("\n")}\n`;
    const summary = (await lines(await POST(upload("commit", csv)))).at(-1)?.summary as { skippedReasons: { count: number; lines: number[] }[] };
    expect(summary.skippedReasons[0]).toMatchObject({ count: 15, lines: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
  });

  it("refuses a chosen column the file does not have, naming the form", async () => {
    state.tenantId = freshTenant();
    const res = await POST(upload("preview", ODD_HEADERS, undefined, { caseId: "Matter" }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/The form names column "Matter" for caseId, but the header has: Ref, What, When/);
  });
});
