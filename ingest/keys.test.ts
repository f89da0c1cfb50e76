import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createIngestKey, listIngestKeys, revokeIngestKey, verifyIngestKey } from "./keys";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

describe("ingest keys", () => {
  it("verifies a new key for its tenant and stores only its hash", async () => {
    const tenantId = freshTenant();
    const key = await createIngestKey(db, { tenantId, name: "collector", createdBy: "alice" });
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    await expect(verifyIngestKey(db, key.secret)).resolves.toEqual({ tenantId, keyId: key.keyId });
    const stored = await db.query(`SELECT key_hash FROM ingest_keys WHERE tenant_id = {t:String}`, { t: tenantId }, z.object({ key_hash: z.string() }));
    expect(stored[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.secret);
  });

  it("lists keys with their creator and last use, never their secrets", async () => {
    const tenantId = freshTenant();
    const key = await createIngestKey(db, { tenantId, name: "ci", createdBy: "bob" });
    await verifyIngestKey(db, key.secret);
    await new Promise((r) => setTimeout(r, 50));
    const [listed, ...rest] = await listIngestKeys(db, tenantId);
    expect(rest).toEqual([]);
    expect(listed).toMatchObject({ keyId: key.keyId, name: "ci", prefix: key.prefix, createdBy: "bob", revokedAt: null });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key.secret);
  });

  it("rejects unknown keys and revoked keys at once", async () => {
    const tenantId = freshTenant();
    const key = await createIngestKey(db, { tenantId, name: "old", createdBy: "carol" });
    await expect(verifyIngestKey(db, "plk_unknown")).resolves.toBeNull();
    await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
    await expect(revokeIngestKey(db, { tenantId, keyId: key.keyId, revokedBy: "carol" })).resolves.toBe(true);
    await expect(verifyIngestKey(db, key.secret)).resolves.toBeNull();
    expect((await listIngestKeys(db, tenantId))[0]?.revokedAt).not.toBeNull();
  });

  it("does not revoke another tenant's key", async () => {
    const key = await createIngestKey(db, { tenantId: freshTenant(), name: "k", createdBy: "dan" });
    await expect(revokeIngestKey(db, { tenantId: freshTenant(), keyId: key.keyId, revokedBy: "eve" })).resolves.toBe(false);
    await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
  });
});
