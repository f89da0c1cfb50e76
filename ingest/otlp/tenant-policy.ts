import { z } from "zod";
import type { Db } from "@/clickhouse/client";
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
// Admin changes to allowed attributes apply within this long, without a query per request.
const TTL_MS = 30_000;

/** Per-tenant ingest policy (allowed extra attributes, keyed hash), cached briefly. */
export function tenantPolicies(db: Db, serverSecret: string): (tenantId: string) => Promise<TenantPolicy> {
  const cache = new Map<string, { at: number; policy: Promise<TenantPolicy> }>();
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
  return (tenantId) => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.policy;
    const policy = load(tenantId);
    cache.set(tenantId, { at: Date.now(), policy });
    policy.catch(() => cache.delete(tenantId));
    return policy;
  };
}
