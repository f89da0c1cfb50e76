import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { appendAction } from "./exception-queue";

describe("an exception-queue note", () => {
  it("is stored with personal data masked, like ingest's free text", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const note = "Called jane(at)firm.com on 07700 900123 about INV-2024-0012; SSN 123 45 6789 checked";
    await appendAction(db, { tenantId, workflow: "intake", runId: "r-1", action: "resolve", actorId: "u-1", actorEmail: "ops@firm.example", note });
    const rows = await db.query("SELECT note FROM exception_actions WHERE tenant_id = {t:String}", { t: tenantId }, z.object({ note: z.string() }));
    expect(rows).toEqual([{ note: "Called [email] on [phone] about INV-2024-0012; SSN [id] checked" }]);
  });
});
