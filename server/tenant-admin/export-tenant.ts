import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { type Db, assertIdentifier } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { requireTenant } from "@/server/tenants";
import { tenantTables } from "./tenant-tables";

export interface ExportedTable {
  table: string;
  file: string;
  rows: number;
  sha256: string;
}

export interface TenantExport {
  tenantId: string;
  slug: string;
  exportedAt: string;
  dir: string;
  tables: ExportedTable[];
}

export const MANIFEST = "manifest.json";
const anyRow = z.record(z.string(), z.unknown());

/**
 * Writes every row the tenant owns, table by table, as JSONEachRow files plus a manifest with row
 * counts and SHA-256 checksums, so a firm leaving (or a regulator) gets its data complete and checkable.
 * The directory must be new or empty: an export never mixes with older files.
 */
export async function exportTenant(db: Db, slug: string, dir: string, actor: string): Promise<TenantExport> {
  const tenant = await requireTenant(db, slug);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: export into a new directory`);
  mkdirSync(dir, { recursive: true });
  const tables: ExportedTable[] = [];
  for (const t of await tenantTables(db)) {
    const rows = await db.query(
      `SELECT * FROM ${assertIdentifier(t.read)} WHERE tenant_id = {tenant:String}`,
      { tenant: tenant.tenant_id },
      anyRow,
    );
    const text = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
    const file = `${t.read}.jsonl`;
    writeFileSync(path.join(dir, file), text);
    tables.push({ table: t.read, file, rows: rows.length, sha256: createHash("sha256").update(text).digest("hex") });
  }
  const result: TenantExport = { tenantId: tenant.tenant_id, slug: tenant.slug, exportedAt: new Date().toISOString(), dir, tables };
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(result, null, 2)}\n`);
  const total = tables.reduce((n, t) => n + t.rows, 0);
  await audit(db, {
    tenantId: tenant.tenant_id,
    actorId: actor,
    kind: "read",
    action: "tenants.export",
    inputSummary: `slug=${tenant.slug}`,
    result: "ok",
    detail: `${total} rows from ${tables.length} tables to ${dir}`,
  });
  return result;
}
