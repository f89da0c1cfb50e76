import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { RowBatch } from "./rows";
import { WriterSaturated, createBatchWriter, requestKey } from "./writer";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

function runs(tenant: string, ids: string[]): RowBatch {
  const start = new Date(Date.now() - 3600_000);
  return {
    runs: ids.map((run_id) => ({
      tenant_id: tenant,
      workflow: "intake",
      run_id,
      phase: "live" as const,
      start_time: start,
      end_time: new Date(start.getTime() + 60_000),
      outcome: "completed" as const,
    })),
  };
}

const n = z.object({ n: z.coerce.number() });
async function rawRuns(tenant: string) {
  return (await db.query(`SELECT count() AS n FROM runs WHERE tenant_id = {t:String}`, { t: tenant }, n))[0]?.n;
}
/** Raw rows, without FINAL: a block stored twice shows here before any merge could hide it. */
async function rolledUpRuns(tenant: string) {
  return (await db.query(`SELECT count() AS n FROM runs WHERE tenant_id = {t:String}`, { t: tenant }, n))[0]?.n;
}

/** The store, with each runs insert taking `ms` longer; `sizes` lists each insert's rows of `tenant`. */
function slowRunsInserts(tenant: string, ms: number): { slow: Db; sizes: number[] } {
  const sizes: number[] = [];
  const slow: Db = {
    ...db,
    insertRaw: async (table, payload, format, options) => {
      if (table === "runs") {
        // Rows in the payload: every row carries the tenant's id once.
        sizes.push(payload.toString("latin1").split(tenant).length - 1);
        await new Promise((r) => setTimeout(r, ms));
      }
      return db.insertRaw(table, payload, format, options);
    },
  };
  return { slow, sizes };
}

describe("the batching writer", () => {
  it("resolves only once the request's rows are committed", async () => {
    const tenant = freshTenant();
    const writer = createBatchWriter(db, { flushIntervalMs: 20 });
    await expect(writer.submit({ key: "k1", tenantId: tenant, channel: "test", batch: runs(tenant, ["a", "b"]) })).resolves.toBe("committed");
    expect(await rawRuns(tenant)).toBe(2);
    await writer.drain();
  });

  it("stores a retried request once, in the raw table and in the rollups, even from another writer", async () => {
    const tenant = freshTenant();
    const key = requestKey(tenant, "test", new Uint8Array([1, 2, 3]));
    const first = createBatchWriter(db, { flushIntervalMs: 5 });
    await first.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, ["r1"]) });
    // The original's ledger row is written once it is answered; drain waits for it.
    await first.drain();
    // The retry lands in a different flush, beside other requests, in another process's writer.
    const second = createBatchWriter(db, { flushIntervalMs: 5 });
    const other = freshTenant();
    const [retry] = await Promise.all([
      second.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, ["r1"]) }),
      second.submit({ key: "other", tenantId: other, channel: "test", batch: runs(other, ["x"]) }),
    ]);
    expect(retry).toBe("duplicate");
    expect(await rawRuns(tenant)).toBe(1);
    expect(await rolledUpRuns(tenant)).toBe(1);
    expect(await rawRuns(other)).toBe(1);
    await second.drain();
  });

  it("answers once the rows are committed, without waiting for the ledger row, and holds the key until it is written", async () => {
    const tenant = freshTenant();
    let releaseLedger!: () => void;
    const ledgerHeld = new Promise<void>((r) => (releaseLedger = r));
    const ledgerInserts: string[] = [];
    const held: Db = {
      ...db,
      insert: async (table, rows, options) => {
        if (table === "ingest_requests") {
          ledgerInserts.push(table);
          await ledgerHeld;
        }
        return db.insert(table, rows, options);
      },
    };
    const writer = createBatchWriter(held, { flushIntervalMs: 5 });
    const key = requestKey(tenant, "test", new Uint8Array([7]));
    await expect(writer.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, ["r1", "r2"]) })).resolves.toBe("committed");
    // Answered: the rows are stored, the ledger insert has started and is still held.
    expect(await rawRuns(tenant)).toBe(2);
    expect(ledgerInserts).toEqual(["ingest_requests"]);
    const ledgerRows = async () =>
      (await db.query(`SELECT count() AS n FROM ingest_requests WHERE tenant_id = {t:String}`, { t: tenant }, n))[0]?.n;
    expect(await ledgerRows()).toBe(0);
    // A retry meanwhile is answered from memory: nothing is inserted again.
    await expect(writer.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, ["r1", "r2"]) })).resolves.toBe("committed");
    expect(ledgerInserts).toEqual(["ingest_requests"]);
    // Drain waits for the ledger row.
    let drained = false;
    const draining = writer.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(drained).toBe(false);
    releaseLedger();
    await draining;
    expect(await ledgerRows()).toBe(1);
    expect(await rolledUpRuns(tenant)).toBe(2);
  });

  it("keeps a committed request answered when its ledger row cannot be written, and says so", async () => {
    const tenant = freshTenant();
    const failing: Db = {
      ...db,
      insert: async (table, rows, options) => {
        if (table === "ingest_requests") throw new Error("ledger unavailable");
        return db.insert(table, rows, options);
      },
    };
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));
    try {
      const writer = createBatchWriter(failing, { flushIntervalMs: 5 });
      await expect(writer.submit({ key: "k", tenantId: tenant, channel: "test", batch: runs(tenant, ["r"]) })).resolves.toBe("committed");
      await writer.drain();
    } finally {
      spy.mockRestore();
    }
    expect(await rawRuns(tenant)).toBe(1);
    expect(errors.join("\n")).toMatch(/request ledger not written for 1 committed requests: ledger unavailable/);
  });

  it("answers a retry that arrives while the original still waits with the original's result", async () => {
    const tenant = freshTenant();
    const writer = createBatchWriter(db, { flushIntervalMs: 50 });
    const a = writer.submit({ key: "same", tenantId: tenant, channel: "test", batch: runs(tenant, ["r"]) });
    const b = writer.submit({ key: "same", tenantId: tenant, channel: "test", batch: runs(tenant, ["r"]) });
    expect(b).toBe(a);
    await a;
    expect(await rolledUpRuns(tenant)).toBe(1);
    await writer.drain();
  });

  it("refuses work beyond its bound instead of queueing it, and commits what it took on drain", async () => {
    const tenant = freshTenant();
    const writer = createBatchWriter(db, { flushIntervalMs: 60_000, maxBatchRows: 1000, maxQueuedRows: 3 });
    const taken = writer.submit({ key: "a", tenantId: tenant, channel: "test", batch: runs(tenant, ["1", "2"]) });
    await expect(writer.submit({ key: "b", tenantId: tenant, channel: "test", batch: runs(tenant, ["3", "4"]) })).rejects.toBeInstanceOf(WriterSaturated);
    expect(writer.queuedRows()).toBe(2);
    await writer.drain();
    await expect(taken).resolves.toBe("committed");
    expect(await rawRuns(tenant)).toBe(2);
  });

  it("flushes as soon as a batch reaches its row threshold", async () => {
    const tenant = freshTenant();
    const writer = createBatchWriter(db, { flushIntervalMs: 60_000, maxBatchRows: 4 });
    await Promise.all([
      writer.submit({ key: "x", tenantId: tenant, channel: "test", batch: runs(tenant, ["1", "2"]) }),
      writer.submit({ key: "y", tenantId: tenant, channel: "test", batch: runs(tenant, ["3", "4"]) }),
    ]);
    expect(await rawRuns(tenant)).toBe(4);
    await writer.drain();
  });

  it("holds a batch for announced requests still on their way, then flushes them together", async () => {
    const tenant = freshTenant();
    const flushes: string[] = [];
    const counting: Db = { ...db, insertRaw: (table, payload, format, options) => (table === "runs" && flushes.push(table), db.insertRaw(table, payload, format, options)) };
    const writer = createBatchWriter(counting, { flushIntervalMs: 60_000, lingerMs: 0 });
    const first = writer.announce();
    const second = writer.announce();
    const a = writer.submit({ key: "a", tenantId: tenant, channel: "test", batch: runs(tenant, ["1"]) });
    first();
    // The second request is still being read: nothing may flush yet (the interval cap is a minute away).
    await new Promise((r) => setTimeout(r, 200));
    expect(flushes).toEqual([]);
    expect(await rawRuns(tenant)).toBe(0);
    const b = writer.submit({ key: "b", tenantId: tenant, channel: "test", batch: runs(tenant, ["2"]) });
    second();
    await Promise.all([a, b]);
    expect(flushes).toEqual(["runs"]);
    expect(await rawRuns(tenant)).toBe(2);
    // With nothing announced, a lone request goes at once, not after the interval.
    await writer.submit({ key: "c", tenantId: tenant, channel: "test", batch: runs(tenant, ["3"]) });
    expect(flushes).toEqual(["runs", "runs"]);
    await writer.drain();
  });

  it("keeps a request that came in during a flush for the senders that flush answers, not a flush of its own", async () => {
    const tenant = freshTenant();
    // Each flush's runs insert takes 150 ms, longer than the interval cap.
    const { slow, sizes } = slowRunsInserts(tenant, 150);
    const writer = createBatchWriter(slow, { flushIntervalMs: 100, lingerMs: 400 });
    const submit = (key: string) => writer.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, [key]) });
    const a = submit("a");
    await new Promise((r) => setTimeout(r, 50));
    // Arrives while a is being inserted; it has waited past the cap by the time that flush ends.
    const c = submit("c");
    await a;
    // a's sender comes back a little later with its next request.
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([c, submit("d")]);
    expect(sizes).toEqual([1, 2]);
    expect(await rawRuns(tenant)).toBe(3);
    await writer.drain();
  });
  it("waits as long as the last flush took for the senders it answered, when that is longer than its waits", async () => {
    const tenant = freshTenant();
    // Each flush's runs insert takes 400 ms, far past the 20 ms cap and linger.
    const { slow, sizes } = slowRunsInserts(tenant, 400);
    const writer = createBatchWriter(slow, { flushIntervalMs: 20, lingerMs: 20 });
    const submit = (key: string) => writer.submit({ key, tenantId: tenant, channel: "test", batch: runs(tenant, [key]) });
    // Two senders' requests in one flush.
    const arrived = [writer.announce(), writer.announce()];
    const first = [submit("a1"), submit("a2")];
    for (const done of arrived) done();
    await Promise.all(first);
    // One sender comes back at once, the other 150 ms later: past the configured waits, well within
    // the last flush's 400 ms. With the configured waits alone the batch went without it: [2, 1, 1].
    const b1 = submit("b1");
    await new Promise((r) => setTimeout(r, 150));
    await Promise.all([b1, submit("b2")]);
    expect(sizes).toEqual([2, 2]);
    expect(await rawRuns(tenant)).toBe(4);
    await writer.drain();
  });
});
