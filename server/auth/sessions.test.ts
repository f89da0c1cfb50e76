import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { endSessions, sessionEpoch, sessionStillValid } from "./sessions";
import { ensureUser, removeMembership, setMembership, setPassword } from "./users";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

/** A token as the jwt callback issues it at sign-in. */
async function signIn(userId: string) {
  return { uid: userId, epoch: await sessionEpoch(db, userId) };
}

describe("session revocation", () => {
  it("keeps a token valid until something ends the person's sessions", async () => {
    const { user } = await ensureUser(db, { email: `${randomUUID()}@example.test`, password: "a long enough password" });
    const token = await signIn(user.user_id);
    expect(await sessionStillValid(db, token)).toBe(true);
    await endSessions(db, user.user_id, "sign-out");
    expect(await sessionStillValid(db, token)).toBe(false);
    expect(await sessionStillValid(db, await signIn(user.user_id))).toBe(true);
  });

  it("refuses tokens without a user or an epoch (issued before the check existed)", async () => {
    expect(await sessionStillValid(db, { uid: "u-1" })).toBe(false);
    expect(await sessionStillValid(db, { epoch: 0 })).toBe(false);
  });

  it("ends them on a password change, a role or group change and removal, not on an unchanged save", async () => {
    const { user } = await ensureUser(db, { email: `${randomUUID()}@example.test`, password: "a long enough password" });
    const tenantId = freshTenant();
    await setMembership(db, { tenantId, userId: user.user_id, role: "ops", updatedBy: "test" });
    const steps: [string, () => Promise<void>, boolean][] = [
      ["same role again", () => setMembership(db, { tenantId, userId: user.user_id, role: "ops", updatedBy: "test" }), true],
      ["role change", () => setMembership(db, { tenantId, userId: user.user_id, role: "executive", updatedBy: "test" }), false],
      ["group change", () => setMembership(db, { tenantId, userId: user.user_id, role: "executive", groups: ["g1"], updatedBy: "test" }), false],
      ["password change", () => setPassword(db, user, "another long password"), false],
      ["removal", () => removeMembership(db, { tenantId, userId: user.user_id, updatedBy: "test" }), false],
    ];
    for (const [what, step, survives] of steps) {
      const token = await signIn(user.user_id);
      await step();
      expect(await sessionStillValid(db, token), what).toBe(survives);
    }
  });
});
