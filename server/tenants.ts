import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export const tenantSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "a slug is 1-48 lowercase letters, digits or dashes, not starting or ending with a dash");

export const tenantRow = z.object({
  tenant_id: z.string(),
  slug: z.string(),
  name: z.string(),
  created_at: z.string(),
});
export type Tenant = z.infer<typeof tenantRow>;

export class TenantError extends Error {
  constructor(message: string, readonly code: "CONFLICT" | "NOT_FOUND" | "BAD_INPUT") {
    super(message);
    this.name = "TenantError";
  }
}

const LIVE_TENANTS = `
  SELECT tenant_id, argMax(slug, updated_at) AS slug, argMax(name, updated_at) AS name,
         toString(min(created_at)) AS created_at
  FROM tenants GROUP BY tenant_id HAVING argMax(deleted, updated_at) = 0`;

export async function listTenants(db: Db): Promise<Tenant[]> {
  return db.query(`${LIVE_TENANTS} ORDER BY slug`, {}, tenantRow);
}

export async function tenantBySlug(db: Db, slug: string): Promise<Tenant | undefined> {
  const rows = await db.query(`SELECT * FROM (${LIVE_TENANTS}) WHERE slug = {slug:String}`, { slug }, tenantRow);
  return rows[0];
}

export async function requireTenant(db: Db, slug: string): Promise<Tenant> {
  const t = await tenantBySlug(db, slug);
  if (!t) throw new TenantError(`No tenant with slug "${slug}". List them with: plumbline tenants list`, "NOT_FOUND");
  return t;
}

/** Creates a tenant; slugs are unique (checked here: ClickHouse has no unique constraints). */
export async function createTenant(db: Db, input: { slug: string; name?: string; tenantId?: string }): Promise<Tenant> {
  const slug = tenantSlug.safeParse(input.slug);
  if (!slug.success) throw new TenantError(`Invalid slug "${input.slug}": ${slug.error.issues[0]?.message}`, "BAD_INPUT");
  if (await tenantBySlug(db, slug.data)) throw new TenantError(`A tenant with slug "${slug.data}" already exists`, "CONFLICT");
  const tenant_id = input.tenantId ?? randomUUID();
  const name = (input.name ?? slug.data).trim().slice(0, 200) || slug.data;
  await db.insert("tenants", [{ tenant_id, slug: slug.data, name }]);
  const created = await tenantBySlug(db, slug.data);
  if (!created) throw new TenantError(`Tenant "${slug.data}" was not readable after creation`, "CONFLICT");
  return created;
}
