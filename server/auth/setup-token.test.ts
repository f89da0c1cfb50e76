import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { consumeSetupToken, createSetupToken, setupTokenValid } from "./setup-token";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

describe("setup tokens", () => {
  it("work exactly once", async () => {
    const { token } = await createSetupToken(db);
    expect(await setupTokenValid(db, token)).toBe(true);
    expect(await consumeSetupToken(db, token, "u1")).toBe(true);
    expect(await consumeSetupToken(db, token, "u2")).toBe(false);
  });

  it("expire after a day and are unknown when made up", async () => {
    const { token } = await createSetupToken(db, new Date(Date.now() - 25 * 3600_000));
    expect(await setupTokenValid(db, token)).toBe(false);
    expect(await setupTokenValid(db, "made-up")).toBe(false);
  });
});
