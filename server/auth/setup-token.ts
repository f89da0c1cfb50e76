import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/** A setup link is good for a day: long enough to open it after install, short enough to not linger. */
const VALID_MS = 24 * 60 * 60 * 1000;
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a one-time token; only its hash is stored, so the link is shown once (on the console). */
export async function createSetupToken(db: Db, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + VALID_MS);
  await db.insert("setup_tokens", [{ token_hash: hashOf(token), expires_at: expiresAt, updated_at: now }]);
  return { token, expiresAt };
}

export async function setupTokenValid(db: Db, token: string, now = new Date()): Promise<boolean> {
  const rows = await db.query(
    `SELECT argMax(used, updated_at) AS used, argMax(expires_at, updated_at) > {now:DateTime64(3)} AS live
     FROM setup_tokens WHERE token_hash = {hash:String} GROUP BY token_hash`,
    { hash: hashOf(token), now },
    z.object({ used: z.coerce.number(), live: z.coerce.number() }),
  );
  return rows[0]?.used === 0 && rows[0]?.live === 1;
}

/** Marks the token used; false when it was not valid (unknown, used or expired). */
export async function consumeSetupToken(db: Db, token: string, usedBy: string): Promise<boolean> {
  if (!(await setupTokenValid(db, token))) return false;
  await db.insert("setup_tokens", [{ token_hash: hashOf(token), expires_at: new Date(), used: 1, used_by: usedBy, updated_at: new Date() }]);
  return true;
}
