import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
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

  describe("a key revoked by another process (this one's cache not cleared)", () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    // What revokeIngestKey writes, without clearing this process's cache.
    const revokeElsewhere = async (tenantId: string, key: { keyId: string; secret: string; prefix: string }) => {
      const [row] = await db.query(`SELECT key_hash FROM ingest_keys WHERE key_id = {k:String}`, { k: key.keyId }, z.object({ key_hash: z.string() }));
      const now = new Date();
      await db.insert("ingest_keys", [
        { tenant_id: tenantId, key_id: key.keyId, name: "k", key_hash: row?.key_hash, key_prefix: key.prefix, created_by: "x", created_at: now, revoked_at: now, revoked_by: "x", updated_at: now },
      ]);
    };

    /** A key verified (and so cached) at t0 on a fake clock, then revoked elsewhere. */
    const cachedThenRevokedElsewhere = async () => {
      const tenantId = freshTenant();
      const key = await createIngestKey(db, { tenantId, name: "k", createdBy: "x" });
      const t0 = Date.now();
      vi.useFakeTimers({ toFake: ["Date"], now: t0 });
      await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
      await revokeElsewhere(tenantId, key);
      return { key, t0 };
    };

    it("is refused once its cache entry is 5 s old", async () => {
      const { key, t0 } = await cachedThenRevokedElsewhere();
      vi.setSystemTime(t0 + 3_000);
      await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
      vi.setSystemTime(t0 + 5_000);
      await expect(verifyIngestKey(db, key.secret)).resolves.toBeNull();
    });

    it("is looked up again in the background while in use, so the answer changes before the entry expires", async () => {
      const { key, t0 } = await cachedThenRevokedElsewhere();
      // 4.5 s in: still answered from the entry (no wait for the store), and a lookup starts.
      vi.setSystemTime(t0 + 4_500);
      await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
      // Still before the entry's 5 s: the refreshed answer arrives (real time passes, the clock does not).
      let answer: unknown = "pending";
      for (let i = 0; i < 100 && answer !== null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        answer = await verifyIngestKey(db, key.secret);
      }
      expect(answer).toBeNull();
      expect(Date.now()).toBe(t0 + 4_500);
    });
  });

  it("does not revoke another tenant's key", async () => {
    const key = await createIngestKey(db, { tenantId: freshTenant(), name: "k", createdBy: "dan" });
    await expect(revokeIngestKey(db, { tenantId: freshTenant(), keyId: key.keyId, revokedBy: "eve" })).resolves.toBe(false);
    await expect(verifyIngestKey(db, key.secret)).resolves.not.toBeNull();
  });
});
