import { z } from "zod";
import { type Db, assertIdentifier } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { requireTenant } from "@/server/tenants";
import { tenantTables } from "./tenant-tables";

export interface DeletedTable {
  table: string;
  rows: number;
}

export interface TenantDeletion {
  tenantId: string;
  slug: string;
  tables: DeletedTable[];
  /** Rows kept on purpose: the tenant's audit trail. */
  auditRowsKept: number;
}

/** The audit trail outlives the tenant: a regulator must be able to see what happened, deletion included. */
const KEPT = new Set(["audit_log"]);
const countRow = z.object({ n: z.coerce.number() });

/**
 * Deletes everything a tenant owns — telemetry, rollups, configuration, ingest keys, memberships — from
 * every table with a tenant_id column except the audit log, then leaves a tombstone in `tenants` so
 * the slug's fate stays explainable. Mutations run synchronously (`mutations_sync = 2`: every replica),
 * so when this returns the rows are gone from disk, not merely hidden.
 * User accounts are global (a person may belong to other tenants) and are not touched here.
 */
export async function deleteTenant(
  db: Db,
  input: { slug: string; confirm: string; actor: string; cluster?: string },
): Promise<TenantDeletion> {
  const tenant = await requireTenant(db, input.slug);
  if (input.confirm !== tenant.slug) {
    throw new Error(`Deleting a tenant cannot be undone: confirm by repeating its slug (--confirm ${tenant.slug})`);
  }
  const on = input.cluster ? ` ON CLUSTER \`${input.cluster.replace(/`/g, "")}\`` : "";
  const params = { tenant: tenant.tenant_id };
  const tables: DeletedTable[] = [];
  let auditRowsKept = 0;
  await audit(db, {
    tenantId: tenant.tenant_id,
    actorId: input.actor,
    kind: "change",
    action: "tenants.delete",
    inputSummary: `slug=${tenant.slug}`,
    result: "ok",
    detail: "started",
  });
  for (const t of await tenantTables(db)) {
    const [c] = await db.query(`SELECT count() AS n FROM ${assertIdentifier(t.read)} WHERE tenant_id = {tenant:String}`, params, countRow);
    const rows = c?.n ?? 0;
    if (KEPT.has(t.read)) {
      auditRowsKept = rows;
      continue;
    }
    if (rows > 0) {
      await db.command(
        `ALTER TABLE ${assertIdentifier(t.store)}${on} DELETE WHERE tenant_id = {tenant:String} SETTINGS mutations_sync = 2`,
        params,
      );
    }
    tables.push({ table: t.read, rows });
  }
  await db.insert("tenants", [{ tenant_id: tenant.tenant_id, slug: tenant.slug, name: "(deleted)", deleted: 1 }]);
  const total = tables.reduce((n, t) => n + t.rows, 0);
  await audit(db, {
    tenantId: tenant.tenant_id,
    actorId: input.actor,
    kind: "change",
    action: "tenants.delete",
    inputSummary: `slug=${tenant.slug}`,
    result: "ok",
    detail: `deleted ${total} rows from ${tables.filter((t) => t.rows > 0).length} tables; audit trail kept`,
  });
  return { tenantId: tenant.tenant_id, slug: tenant.slug, tables, auditRowsKept };
}
