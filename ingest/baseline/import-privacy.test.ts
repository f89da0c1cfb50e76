import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { exportTenant } from "@/server/tenant-admin/export-tenant";
import { createTenant } from "@/server/tenants";
import { importBaseline } from "./import-baseline";

const tmp = mkdtempSync(path.join(os.tmpdir(), "plumbline-import-privacy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RAW = ["07700 900123", "jane.doe@firm.com", "123-45-6789", "jane(at)firm.com", "AB123456C"];

// An event log as firms export it: people as resources, and personal data where it should not be.
const CSV = `case,activity,timestamp,resource,role,outcome
C1,intake call 07700 900123,2025-03-01T09:00:00Z,jane.doe@firm.com,paralegal 123-45-6789,
C1,review,2025-03-01T10:00:00Z,SYSTEM,,escalated to jane(at)firm.com
C2,intake call,2025-03-02T09:00:00Z,AB123456C,paralegal,completed
`;

describe("a baseline import", () => {
  it("masks personal data in activities, resources, roles and the notices it keeps, so no export holds it", async () => {
    const db = await testDb();
    const tenant = await createTenant(db, { slug: `import-privacy-${randomUUID().slice(0, 8)}` });
    const file = path.join(tmp, "events.csv");
    writeFileSync(file, CSV);
    const summary = await importBaseline(db, { tenantId: tenant.tenant_id, workflow: "intake", source: file, fileName: "events.csv", actor: "test" });
    expect(summary).toMatchObject({ status: "imported", runs: 2, events: 3 });

    const steps = await db.query(
      "SELECT step, resource, actor, attributes FROM steps WHERE tenant_id = {t:String} ORDER BY start_time",
      { t: tenant.tenant_id },
      z.object({ step: z.string(), resource: z.string(), actor: z.string(), attributes: z.record(z.string(), z.string()) }),
    );
    expect(steps).toEqual([
      { step: "intake call [phone]", resource: "[email]", actor: "human", attributes: { "org.role": "paralegal [id]" } },
      { step: "review", resource: "SYSTEM", actor: "human", attributes: {} },
      { step: "intake call", resource: "[id]", actor: "human", attributes: { "org.role": "paralegal" } },
    ]);

    const dir = path.join(tmp, "export");
    await exportTenant(db, tenant.slug, dir, "test");
    const found = readdirSync(dir).flatMap((f) => {
      const text = readFileSync(path.join(dir, f), "utf8").toLowerCase();
      return RAW.filter((v) => text.includes(v.toLowerCase())).map((v) => `${f}: ${v}`);
    });
    expect(found).toEqual([]);
    expect(readFileSync(path.join(dir, "baseline_imports.jsonl"), "utf8")).toContain("escalated to [email]");
  });
});
