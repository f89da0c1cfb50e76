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
const settingsJson = z.object({ allowed_attributes: z.array(z.string().max(200)).max(500).default([]) }).loose();
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
      const parsed = settingsJson.safeParse(JSON.parse(rows[0]?.settings ?? "{}"));
      if (parsed.success) allowed = parsed.data.allowed_attributes;
    } catch {
      // Unreadable settings allow nothing extra: the safe default for a privacy rule.
    }
    return { allowed, allows: attributePolicy(allowed), hash: tenantHasher(serverSecret, tenantId) };
  };
  return (tenantId) => cache.get(tenantId, () => load(tenantId));
}
