import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { type Db, fromClickHouseTime } from "@/clickhouse/client";
import { RefreshingCache } from "./refreshing-cache";

/**
 * Ingest keys (DESIGN.md §4): random, shown once, stored as a SHA-256 hash, revocable, scoped to one
 * tenant. Verification is cached briefly in memory so ingest does not query per request, and a key in
 * use is looked up again in the background after 4 s (refreshing-cache.ts); revocation clears this
 * process's cache at once and reaches other processes within 5 s.
 */
// last_used_at is written at most once a minute per key: a dashboard needs "recently", not "exactly".
const USAGE_WRITE_MS = 60_000;
const PREFIX = "plk_";

export interface CreatedIngestKey {
  keyId: string;
  secret: string;
  prefix: string;
  name: string;
  createdAt: string;
}

export interface IngestKeyInfo {
  keyId: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface VerifiedKey {
  tenantId: string;
  keyId: string;
}

const iso = (s: string) => fromClickHouseTime(s).toISOString();
const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

const keyRow = z.object({
  tenant_id: z.string(),
  key_id: z.string(),
  name: z.string(),
  key_prefix: z.string(),
  key_hash: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

/** Each key's newest version among the rows `filter` selects (the filter runs before aggregation). */
const latest = (filter: string) => `
  SELECT tenant_id, key_id,
         argMax(name, updated_at) AS name, argMax(key_prefix, updated_at) AS key_prefix,
         argMax(key_hash, updated_at) AS key_hash, argMax(created_by, updated_at) AS created_by,
         toString(min(created_at)) AS created_at,
         toString(argMax(revoked_at, updated_at)) AS revoked_at
  FROM (SELECT * FROM ingest_keys WHERE ${filter})
  GROUP BY tenant_id, key_id`;

const cache = new RefreshingCache<VerifiedKey | null>({ ttlMs: 5_000, refreshAfterMs: 4_000, maxEntries: 10_000 });
const usageWritten = new Map<string, number>();

export const ingestKeyName = z.string().trim().min(1, "a key needs a name").max(100);

export async function createIngestKey(db: Db, input: { tenantId: string; name: string; createdBy: string }): Promise<CreatedIngestKey> {
  const name = ingestKeyName.parse(input.name);
  const secret = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const keyId = randomUUID();
  const prefix = secret.slice(0, PREFIX.length + 8);
  const createdAt = new Date();
  await db.insert("ingest_keys", [
    {
      tenant_id: input.tenantId,
      key_id: keyId,
      name,
      key_hash: hashOf(secret),
      key_prefix: prefix,
      created_by: input.createdBy,
      created_at: createdAt,
      updated_at: createdAt,
    },
  ]);
  return { keyId, secret, prefix, name, createdAt: createdAt.toISOString() };
}

export async function listIngestKeys(db: Db, tenantId: string): Promise<IngestKeyInfo[]> {
  const rows = await db.query(
    `SELECT k.*, if(u.last_used_at IS NULL, NULL, toString(u.last_used_at)) AS last_used_at
     FROM (${latest("tenant_id = {tenant:String}")}) AS k
     LEFT JOIN (SELECT key_id, max(last_used_at) AS last_used_at FROM ingest_key_usage
                WHERE tenant_id = {tenant:String} GROUP BY key_id) AS u ON u.key_id = k.key_id
     ORDER BY k.created_at, k.key_id
     SETTINGS join_use_nulls = 1`,
    { tenant: tenantId },
    keyRow,
  );
  return rows.map((r) => ({
    keyId: r.key_id,
    name: r.name,
    prefix: r.key_prefix,
    createdAt: iso(r.created_at),
    createdBy: r.created_by,
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
    lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null,
  }));
}

/** Revokes a key of the tenant; false when the tenant has no such key. Revoking twice is harmless. */
export async function revokeIngestKey(db: Db, input: { tenantId: string; keyId: string; revokedBy: string }): Promise<boolean> {
  const rows = await db.query(
    latest("tenant_id = {tenant:String} AND key_id = {key:String}"),
    { tenant: input.tenantId, key: input.keyId },
    keyRow.omit({ last_used_at: true }),
  );
  const key = rows[0];
  if (!key) return false;
  if (!key.revoked_at) {
    const now = new Date();
    await db.insert("ingest_keys", [
      {
        tenant_id: key.tenant_id,
        key_id: key.key_id,
        name: key.name,
        key_hash: key.key_hash,
        key_prefix: key.key_prefix,
        created_by: key.created_by,
        created_at: fromClickHouseTime(key.created_at),
        revoked_at: now,
        revoked_by: input.revokedBy,
        updated_at: now,
      },
    ]);
  }
  cache.delete(key.key_hash);
  return true;
}

function noteUse(db: Db, key: VerifiedKey): void {
  const now = Date.now();
  if (now - (usageWritten.get(key.keyId) ?? 0) < USAGE_WRITE_MS) return;
  usageWritten.set(key.keyId, now);
  // Best effort: a lost last-used timestamp must never fail an ingest request.
  db.insert("ingest_key_usage", [{ tenant_id: key.tenantId, key_id: key.keyId, last_used_at: new Date(now) }]).catch(() => {
    usageWritten.delete(key.keyId);
  });
}

async function lookUp(db: Db, hash: string): Promise<VerifiedKey | null> {
  const rows = await db.query(
    `SELECT * FROM (${latest("key_hash = {hash:String}")}) WHERE revoked_at IS NULL`,
    { hash },
    keyRow.omit({ last_used_at: true }),
  );
  const row = rows.find((r) => timingSafeEqual(Buffer.from(r.key_hash), Buffer.from(hash)));
  return row ? { tenantId: row.tenant_id, keyId: row.key_id } : null;
}

/** The tenant and key a secret belongs to, or null for an unknown or revoked key. */
export async function verifyIngestKey(db: Db, secret: string): Promise<VerifiedKey | null> {
  if (!secret.startsWith(PREFIX) || secret.length > 200) return null;
  const hash = hashOf(secret);
  const value = await cache.get(hash, () => lookUp(db, hash));
  if (value) noteUse(db, value);
  return value;
}
