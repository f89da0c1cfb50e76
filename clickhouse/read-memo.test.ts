import { describe, expect, it } from "vitest";
import { z } from "zod";
import { memoRead, writtenTable } from "./read-memo";
import { withSlowQueryLog } from "./slow-query-log";
import { freshTenant, testDb } from "./testing";

const row = z.object({ n: z.coerce.number() });

describe("remembered reads (clickhouse/read-memo.ts)", () => {
  it("serves one read to every caller until a table it reads is written through the store", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    let reads = 0;
    const count = () =>
      memoRead(db, `test|${tenant}`, ["audit_log"], 60_000, async () => {
        reads++;
        return (await db.query("SELECT count() AS n FROM audit_log WHERE tenant_id = {t:String}", { t: tenant }, row))[0]!.n;
      });
    expect(await Promise.all([count(), count(), count()])).toEqual([0, 0, 0]);
    expect(reads).toBe(1);
    // A write to another table leaves it remembered.
    await db.insert("session_revocations", [{ user_id: `u-${tenant}`, reason: "sign-out", revoked_at: new Date() }]);
    expect(await count()).toBe(0);
    expect(reads).toBe(1);
    // A write to its table, as an insert or as a statement, is seen at once.
    await db.insert("audit_log", [{ tenant_id: tenant, event_id: "e1", actor_id: "a", kind: "read", action: "x", result: "ok" }]);
    expect(await count()).toBe(1);
    await db.command("INSERT INTO audit_log (tenant_id, event_id, actor_id, kind, action, result) VALUES ({t:String}, 'e2', 'a', 'read', 'x', 'ok')", { t: tenant });
    expect(await count()).toBe(2);
    expect(reads).toBe(3);
  });

  it("reads again once the time to live has passed, and never remembers a failure", async () => {
    const db = await testDb();
    const key = `ttl|${freshTenant()}`;
    let reads = 0;
    const read = async () => ++reads;
    const t0 = 1_000_000;
    expect(await memoRead(db, key, [], 1000, read, t0)).toBe(1);
    expect(await memoRead(db, key, [], 1000, read, t0 + 999)).toBe(1);
    expect(await memoRead(db, key, [], 1000, read, t0 + 1000)).toBe(2);
    const failing = `fail|${freshTenant()}`;
    await expect(memoRead(db, failing, [], 60_000, () => Promise.reject(new Error("store down")), t0)).rejects.toThrow("store down");
    expect(await memoRead(db, failing, [], 60_000, read, t0)).toBe(3);
  });

  it("tells which table a statement writes, and says so when it cannot", () => {
    expect(writtenTable("INSERT INTO users (a) VALUES (1)")).toBe("users");
    expect(writtenTable("  insert into `plumbline`.memberships SELECT 1")).toBe("memberships");
    expect(writtenTable("ALTER TABLE runs DELETE WHERE tenant_id = 'x'")).toBe("runs");
    expect(writtenTable("TRUNCATE TABLE IF EXISTS steps")).toBe("steps");
    expect(writtenTable("INSERT INTO FUNCTION file('x.json') SELECT 1")).toBeUndefined();
    expect(writtenTable("CREATE TABLE t (a UInt8) ENGINE = Memory")).toBeUndefined();
  });
});

describe("slow-query log (clickhouse/slow-query-log.ts)", () => {
  it("writes a line for each query at or over the threshold, and none without one", async () => {
    const db = await testDb();
    const lines: string[] = [];
    const logged = withSlowQueryLog(db, 0, (l) => lines.push(l));
    await logged.query("SELECT sleep(0.05) AS n", {}, row);
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { slow_query_ms: number; rows: number; sql: string };
    expect(entry.slow_query_ms).toBeGreaterThanOrEqual(50);
    expect(entry).toMatchObject({ rows: 1, sql: "SELECT sleep(0.05) AS n" });
    const quiet = withSlowQueryLog(db, 60_000, (l) => lines.push(l));
    await quiet.query("SELECT 1 AS n", {}, row);
    expect(lines).toHaveLength(1);
    expect(withSlowQueryLog(db, undefined)).toBe(db);
  });
});
