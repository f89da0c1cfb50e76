import { describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { EvaluatorLease } from "./evaluator-lease";

describe("the evaluator lease", () => {
  it("lets one evaluator work while another stands by, and hands over when the holder stops or goes silent", async () => {
    const db = await testDb();
    const a = new EvaluatorLease(db, "host-a:1", 180_000);
    const b = new EvaluatorLease(db, "host-b:2", 180_000);
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000);
    expect(await a.acquire(at(0))).toBe(true);
    expect(await b.acquire(at(1))).toBe(false);
    expect(await a.acquire(at(60))).toBe(true);
    expect(await b.acquire(at(61))).toBe(false);
    // The holder goes silent for longer than the lease: the standby takes over and keeps it.
    expect(await b.acquire(at(300))).toBe(true);
    expect(await a.acquire(at(301))).toBe(false);
    // A clean stop releases at once.
    await b.release();
    expect(await a.acquire(at(302))).toBe(true);
  });
});
