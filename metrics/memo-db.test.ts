import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { memoizedReads } from "./memo-db";

const row = z.object({ v: z.coerce.number() });

describe("memoizedReads", () => {
  it("answers a repeated query from the first answer, and a different parameter afresh", async () => {
    const db = await testDb();
    let calls = 0;
    const counting: Db = { ...db, query: (sql, params, r) => (calls++, db.query(sql, params, r)) };
    const memo = memoizedReads(counting);
    const sql = "SELECT {n:UInt32} * 2 AS v";
    const [a, b, c] = await Promise.all([memo.query(sql, { n: 2 }, row), memo.query(sql, { n: 2 }, row), memo.query(sql, { n: 3 }, row)]);
    expect(a).toEqual([{ v: 4 }]);
    expect(b).toEqual([{ v: 4 }]);
    expect(c).toEqual([{ v: 6 }]);
    expect(calls).toBe(2);
    // Each caller owns its array.
    a.push({ v: 0 });
    expect(await memo.query(sql, { n: 2 }, row)).toEqual([{ v: 4 }]);
    expect(calls).toBe(2);
  });

  it("does not remember a failure, and refuses writes", async () => {
    const db = await testDb();
    let fail = true;
    const flaky: Db = { ...db, query: (sql, params, r) => (fail ? Promise.reject(new Error("store down")) : db.query(sql, params, r)) };
    const memo = memoizedReads(flaky);
    await expect(memo.query("SELECT 1 AS v", {}, row)).rejects.toThrow("store down");
    fail = false;
    expect(await memo.query("SELECT 1 AS v", {}, row)).toEqual([{ v: 1 }]);
    await expect(memo.insert("runs", [{}])).rejects.toThrow(/read-only/);
    await expect(memo.command("DROP TABLE runs")).rejects.toThrow(/read-only/);
  });
});
