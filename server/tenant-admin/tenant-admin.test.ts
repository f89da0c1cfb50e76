import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Db, toClickHouseTime } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { audit } from "@/server/audit";
import { createTenant, listTenants } from "@/server/tenants";
import { deleteTenant } from "./delete-tenant";
import { exportTenant, MANIFEST, type TenantExport } from "./export-tenant";
import { tenantTables } from "./tenant-tables";

const tmp = mkdtempSync(path.join(os.tmpdir(), "plumbline-tenant-admin-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const slug = () => `t-${randomUUID().slice(0, 8)}`;
const countRow = z.object({ n: z.coerce.number() });

/** A tenant with rows in telemetry, rollups (through the views), configuration, keys, memberships and the audit log. */
async function populatedTenant(db: Db) {
  const t = await createTenant(db, { slug: slug() });
  const id = t.tenant_id;
  const start = new Date(Date.now() - 3_600_000);
  const end = new Date(start.getTime() + 60_000);
  await db.insert("runs", [
    { tenant_id: id, workflow: "intake", run_id: "r1", phase: "live", outcome: "completed", start_time: toClickHouseTime(start), end_time: toClickHouseTime(end) },
  ]);
  await db.insert("steps", [
    { tenant_id: id, workflow: "intake", run_id: "r1", span_id: "s1", step: "draft", actor: "ai", phase: "live", start_time: toClickHouseTime(start), end_time: toClickHouseTime(end) },
  ]);
  await db.insert("workflows", [{ tenant_id: id, workflow: "intake", hourly_cost: 80 }]);
  await db.insert("ingest_keys", [{ tenant_id: id, key_id: "k1", name: "ci", key_hash: "h", key_prefix: "pl_" }]);
  await db.insert("memberships", [{ tenant_id: id, user_id: `u-${id}`, role: "admin" }]);
  await audit(db, { tenantId: id, actorId: "test", kind: "change", action: "workflows.update", result: "ok" });
  return t;
}

async function counts(db: Db, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tenantTables(db)) {
    const [c] = await db.query(`SELECT count() AS n FROM ${t.read} WHERE tenant_id = {t:String}`, { t: tenantId }, countRow);
    out[t.read] = c?.n ?? 0;
  }
  return out;
}

describe("tenant export", () => {
  it("writes every table's rows for the tenant with a manifest whose counts and checksums match the files", async () => {
    const db = await testDb();
    const t = await populatedTenant(db);
    const dir = path.join(tmp, "export-a");
    const result = await exportTenant(db, t.slug, dir, "test");
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), "utf8")) as TenantExport;
    expect(manifest.tables.map((x) => x.table)).toEqual(expect.arrayContaining(["runs", "steps", "baseline_lock_runs", "workflows", "ingest_keys", "memberships", "audit_log", "tenants"]));
    for (const entry of manifest.tables) {
      const text = readFileSync(path.join(dir, entry.file), "utf8");
      expect(createHash("sha256").update(text).digest("hex")).toBe(entry.sha256);
      expect(text.split("\n").filter(Boolean)).toHaveLength(entry.rows);
    }
    expect(result.tables.find((x) => x.table === "runs")?.rows).toBe(1);
  });

  it("streams a tenant larger than one engine block: counts equal the store's, checksums the files', and no other tenant's row", async () => {
    const db = await testDb();
    const t = await populatedTenant(db);
    const other = await populatedTenant(db);
    // 20,000 steps, made in the engine: the stream hands them over in several chunks.
    await db.command(
      `INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time)
       SELECT {t:String}, 'intake', concat('bulk-', toString(intDiv(number, 10))), toString(number), 'draft', 'ai', 'live',
              now64(3) - toIntervalSecond(number), now64(3) - toIntervalSecond(number) + 1
       FROM numbers(20000)`,
      { t: t.tenant_id },
    );
    // Counted first: the export adds its own audit row after writing the files.
    const stored = await counts(db, t.tenant_id);
    const dir = path.join(tmp, "export-c");
    const result = await exportTenant(db, t.slug, dir, "test");
    expect(result.tables.find((x) => x.table === "steps")?.rows).toBe(20_001);
    for (const entry of result.tables) {
      const text = readFileSync(path.join(dir, entry.file), "utf8");
      expect(createHash("sha256").update(text).digest("hex")).toBe(entry.sha256);
      const lines = text.split("\n");
      // Every row ends with a newline, so the text ends with one (or is empty).
      expect(lines.pop()).toBe("");
      expect({ table: entry.table, rows: lines.length }).toEqual({ table: entry.table, rows: entry.rows });
      expect({ table: entry.table, rows: entry.rows }).toEqual({ table: entry.table, rows: stored[entry.table] });
      const tenants = new Set(lines.map((l) => (JSON.parse(l) as { tenant_id: string }).tenant_id));
      expect([...tenants].filter((id) => id !== t.tenant_id)).toEqual([]);
    }
    expect(JSON.parse(readFileSync(path.join(dir, MANIFEST), "utf8"))).toEqual(result);
    expect(readFileSync(path.join(dir, "steps.jsonl"), "utf8")).not.toContain(other.tenant_id);
  });

  it("refuses to export into a directory that already holds files", async () => {
    const db = await testDb();
    const t = await populatedTenant(db);
    const dir = path.join(tmp, "export-b");
    await exportTenant(db, t.slug, dir, "test");
    await expect(exportTenant(db, t.slug, dir, "test")).rejects.toThrow(/not empty/);
  });
});

describe("tenant deletion", () => {
  it("removes everything of the deleted tenant but its audit trail and leaves the other tenant untouched", async () => {
    const db = await testDb();
    const gone = await populatedTenant(db);
    const kept = await populatedTenant(db);
    const keptBefore = await counts(db, kept.tenant_id);

    const result = await deleteTenant(db, { slug: gone.slug, confirm: gone.slug, actor: "test" });

    const left = await counts(db, gone.tenant_id);
    for (const [table, n] of Object.entries(left)) {
      if (table === "audit_log" || table === "tenants") continue;
      expect({ table, n }).toEqual({ table, n: 0 });
    }
    expect(left.tenants).toBe(1); // the tombstone
    expect(result.tables.find((x) => x.table === "runs")?.rows).toBe(1);
    expect(await counts(db, kept.tenant_id)).toEqual(keptBefore);
    expect((await listTenants(db)).map((t) => t.slug)).not.toContain(gone.slug);

    const trail = await db.query(
      "SELECT action, detail FROM audit_log WHERE tenant_id = {t:String} ORDER BY at",
      { t: gone.tenant_id },
      z.object({ action: z.string(), detail: z.string() }),
    );
    expect(trail.map((r) => r.action)).toEqual(["workflows.update", "tenants.delete", "tenants.delete"]);
    expect(trail.at(-1)?.detail).toMatch(/audit trail kept/);
  });

  it("refuses to delete without the slug repeated as confirmation", async () => {
    const db = await testDb();
    const t = await populatedTenant(db);
    await expect(deleteTenant(db, { slug: t.slug, confirm: "yes", actor: "test" })).rejects.toThrow(/--confirm/);
    expect((await counts(db, t.tenant_id)).runs).toBe(1);
  });
});
