import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { RefreshingCache } from "../refreshing-cache";
import { attributePolicy } from "./attribute-reader";
import { type Hasher, tenantHasher } from "./privacy";

export interface TenantPolicy {
  /** The allow-list as configured (mapping threads rebuild `allows` from it). */
  allowed: readonly string[];
  allows: (name: string) => boolean;
  hash: Hasher;
}

const settingsRow = z.object({ settings: z.string() });
const names = z.array(z.string().max(200)).max(500);
const settingsJson = z.object({ allowed_attributes: names.optional(), allowedAttributes: names.optional() }).loose();

/**
 * The allow-list in a tenant's stored settings. Its one key is `allowed_attributes` (what ingest and
 * docs/conventions.md always read); Settings wrote `allowedAttributes` until issue 24, so a tenant
 * saved then still has that key until its settings are saved again, and it is read when the other is
 * absent. Anything unreadable allows nothing extra: the safe default for a privacy rule.
 */
export function allowedAttributesOf(settings: unknown): string[] {
  const parsed = settingsJson.safeParse(settings);
  if (!parsed.success) return [];
  return parsed.data.allowed_attributes ?? parsed.data.allowedAttributes ?? [];
}

// Admin changes to allowed attributes apply within 30 s, without a query per request; a tenant that
// keeps sending has its policy read again in the background after 25 s (refreshing-cache.ts).
const CACHE = { ttlMs: 30_000, refreshAfterMs: 25_000, maxEntries: 10_000 };

/** Per-tenant ingest policy (allowed extra attributes, keyed hash), cached briefly. */
export function tenantPolicies(db: Db, serverSecret: string): (tenantId: string) => Promise<TenantPolicy> {
  const cache = new RefreshingCache<TenantPolicy>(CACHE);
  const load = async (tenantId: string): Promise<TenantPolicy> => {
    const rows = await db.query(
      `SELECT argMax(settings, updated_at) AS settings FROM tenants WHERE tenant_id = {tenant:String} GROUP BY tenant_id`,
      { tenant: tenantId },
      settingsRow,
    );
    let allowed: string[] = [];
    try {
      allowed = allowedAttributesOf(JSON.parse(rows[0]?.settings ?? "{}"));
    } catch {
      // Unreadable settings allow nothing extra, as above.
    }
    return { allowed, allows: attributePolicy(allowed), hash: tenantHasher(serverSecret, tenantId) };
  };
  return (tenantId) => cache.get(tenantId, () => load(tenantId));
}
