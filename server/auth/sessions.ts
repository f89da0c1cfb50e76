import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { MOMENT_MS, memoRead } from "@/clickhouse/read-memo";

/**
 * Ending sessions that already exist (issue 24). Auth.js sessions are signed JWTs: nothing on the
 * server remembers them, so a token copied before sign-out kept working until it expired. Each token
 * now carries its user's session epoch — the number of revocations recorded for that user when it was
 * issued — and every request compares it with the current number (auth.ts, jwt callback). Any
 * revocation moves the number on, ending every session of that person at once.
 */
export type RevocationReason = "sign-out" | "password" | "role" | "removed" | "disabled";

export async function sessionEpoch(db: Db, userId: string): Promise<number> {
  const [row] = await db.query(
    "SELECT count() AS n FROM session_revocations WHERE user_id = {user:String}",
    { user: userId },
    z.object({ n: z.coerce.number() }),
  );
  return row?.n ?? 0;
}

export async function endSessions(db: Db, userId: string, reason: RevocationReason): Promise<void> {
  if (!userId) return;
  await db.insert("session_revocations", [{ user_id: userId, reason, revoked_at: new Date() }]);
}

/** What the JWT carries for this check; Auth.js keeps the claims between requests. */
export interface SessionClaims {
  uid?: unknown;
  epoch?: unknown;
}

/**
 * Whether a session token is still valid: signed-in user and epoch present and current. A token from
 * before this check existed has no epoch and is refused too (its holder signs in again once).
 */
export async function sessionStillValid(db: Db, claims: SessionClaims): Promise<boolean> {
  if (typeof claims.uid !== "string" || typeof claims.epoch !== "number") return false;
  // Asked several times for one page: remembered until this process records a revocation, and for a
  // second at most, the longest another process's revocation can go unseen (clickhouse/read-memo.ts).
  const uid = claims.uid;
  return (await memoRead(db, `epoch|${uid}`, ["session_revocations"], MOMENT_MS, () => sessionEpoch(db, uid))) === claims.epoch;
}
