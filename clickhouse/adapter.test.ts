import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { StoreError, toJsonEachRow } from "./client";
import { startCompatServer, type CompatServer } from "./http-compat-server";
import { migrate } from "./migrate";
import { openServer } from "./server-client";
import { freshTenant, testDb } from "./testing";
import type { Db } from "./client";
import { commitEncoded, encodeBatch, gatherEncoded } from "@/ingest/commit";

// Recent days: rows past a table's TTL are dropped on insert.
const today = new Date().toISOString().slice(0, 10);

/** The same suite runs on every adapter: the embedded engine always, a server when CLICKHOUSE_URL is set. */
function adapterSuite(name: string, open: () => Promise<Db>) {
  describe(`${name} adapter`, () => {
    it("reports a ClickHouse version of at least 25", async () => {
      const db = await open();
      const [row] = await db.query("SELECT version() AS v", {}, z.object({ v: z.string() }));
      expect(Number(row?.v.split(".")[0])).toBeGreaterThanOrEqual(25);
    });

    it("binds typed placeholders instead of interpolating values", async () => {
      const db = await open();
      const tricky = "x' OR 1=1 --";
      const rows = await db.query(
        "SELECT {s:String} AS s, {n:UInt32} + 1 AS n, {d:DateTime64(3)} AS d, {a:Array(String)} AS a",
        { s: tricky, n: 41, d: new Date(Date.UTC(2025, 0, 31, 23, 59, 59, 123)), a: ["p", "q"] },
        z.object({ s: z.string(), n: z.coerce.number(), d: z.string(), a: z.array(z.string()) }),
      );
      expect(rows).toEqual([{ s: tricky, n: 42, d: "2025-01-31 23:59:59.123", a: ["p", "q"] }]);
    });

    it("inserts rows and reads them back parsed, 64-bit integers included", async () => {
      const db = await open();
      const tenant = freshTenant();
      await db.insert("ingest_stats", [
        { tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 5, rejected: 0 },
        { tenant_id: tenant, day: today, channel: "otlp-traces", reason: "no workflow.name", accepted: 0, rejected: 2 },
      ]);
      const rows = await db.query(
        "SELECT sum(accepted) AS a, sum(rejected) AS r FROM ingest_stats WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ a: z.coerce.number(), r: z.coerce.number() }),
      );
      expect(rows).toEqual([{ a: 5, r: 2 }]);
    });

    it("stores Date values to the millisecond, in UTC", async () => {
      const db = await open();
      const tenant = freshTenant();
      const start = new Date(Date.now() - 3_600_000 + 123);
      const end = new Date(start.getTime() + 90_061);
      await db.insert("runs", [{ tenant_id: tenant, workflow: "w", run_id: "r1", phase: "live", start_time: start, end_time: end, outcome: "completed" }]);
      const [r] = await db.query(
        "SELECT toUnixTimestamp64Milli(start_time) AS s, toUnixTimestamp64Milli(end_time) AS e FROM runs WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ s: z.coerce.number(), e: z.coerce.number() }),
      );
      expect(r).toEqual({ s: start.getTime(), e: end.getTime() });
    });

    it("stores epoch-millisecond integers in DateTime64(3) columns as the same instants", async () => {
      const db = await open();
      const tenant = freshTenant();
      const start = Date.now() - 3_600_000 + 321;
      await db.insert("runs", [{ tenant_id: tenant, workflow: "w", run_id: "r1", phase: "live", start_time: start, end_time: start + 999, outcome: "completed" }]);
      const [r] = await db.query(
        "SELECT toUnixTimestamp64Milli(start_time) AS s, toUnixTimestamp64Milli(end_time) AS e FROM runs WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ s: z.coerce.number(), e: z.coerce.number() }),
      );
      expect(r).toEqual({ s: start, e: start + 999 });
    });

    it("drops a retried insert carrying the same deduplication token", async () => {
      const db = await open();
      const tenant = freshTenant();
      const row = { tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 7, rejected: 0 };
      await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-req-1` });
      await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-req-1` });
      await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-req-2` });
      const [r] = await db.query(
        "SELECT sum(accepted) AS a FROM ingest_stats WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ a: z.coerce.number() }),
      );
      expect(r?.a).toBe(14);
    });


    it("inserts pre-serialized JSON lines as one block, dates and deduplication included", async () => {
      const db = await open();
      const tenant = freshTenant();
      const start = new Date(Date.now() - 7_200_000 + 7);
      const rows = [
        { tenant_id: tenant, workflow: "w", run_id: "a", phase: "live", start_time: start, end_time: new Date(start.getTime() + 1_500), outcome: "completed" },
        { tenant_id: tenant, workflow: "w", run_id: "b", phase: "live", start_time: start, end_time: new Date(start.getTime() + 2_500), outcome: "exception" },
      ];
      const payload = Buffer.from(toJsonEachRow(rows));
      await db.insertRaw("runs", payload, { name: "JSONEachRow" }, { dedupToken: `${tenant}-lines` });
      await db.insertRaw("runs", payload, { name: "JSONEachRow" }, { dedupToken: `${tenant}-lines` });
      await db.insertRaw("runs", Buffer.alloc(0), { name: "JSONEachRow" });
      const got = await db.query(
        `SELECT run_id, toString(outcome) AS outcome, toUnixTimestamp64Milli(end_time) AS e FROM runs
         WHERE tenant_id = {t:String} ORDER BY run_id`,
        { t: tenant },
        z.object({ run_id: z.string(), outcome: z.string(), e: z.coerce.number() }),
      );
      expect(got).toEqual([
        { run_id: "a", outcome: "completed", e: start.getTime() + 1_500 },
        { run_id: "b", outcome: "exception", e: start.getTime() + 2_500 },
      ]);
      // The raw table took the block once, not twice (no FINAL: before any merge).
      const [daily] = await db.query(
        "SELECT count() AS n FROM runs WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ n: z.coerce.number() }),
      );
      expect(daily?.n).toBe(2);
    });
    it("inserts TabSeparated lines into the columns it names, escapes decoded", async () => {
      const db = await open();
      const tenant = freshTenant();
      const ms = Date.now() - 3_600_000;
      const payload = Buffer.from(`${tenant}\tw\tr\\t1\tlive\t${ms}\t${ms + 2_000}\texception\n`);
      const format = { name: "TabSeparated", columns: ["tenant_id", "workflow", "run_id", "phase", "start_time", "end_time", "outcome"] } as const;
      await db.insertRaw("runs", payload, format, { dedupToken: `${tenant}-tsv` });
      await db.insertRaw("runs", payload, format, { dedupToken: `${tenant}-tsv` });
      const got = await db.query(
        `SELECT run_id, toUnixTimestamp64Milli(end_time) AS e, origin FROM runs WHERE tenant_id = {t:String}`,
        { t: tenant },
        z.object({ run_id: z.string(), e: z.coerce.number(), origin: z.string() }),
      );
      expect(got).toEqual([{ run_id: "r\t1", e: ms + 2_000, origin: "otlp" }]);
    });

    it("inserts Native blocks, several requests' blocks in one insert, once under a retried token, views included", async () => {
      const db = await open();
      const tenant = freshTenant();
      const ms = Date.now() - 3_600_000;
      const request = (n: number) =>
        encodeBatch({
          runs: [0, 1, 2].map((i) => ({ tenant_id: tenant, workflow: "w", run_id: `r${n}-${i}`, phase: "live" as const, start_time: ms, end_time: ms + 1_000 * (i + 1), outcome: i === 2 ? ("exception" as const) : ("completed" as const), human_minutes: i === 0 ? null : 1.5 })),
          steps: [{ tenant_id: tenant, workflow: "w", run_id: `r${n}-0`, span_id: `s${n}`, step: "ü", phase: "live" as const, start_time: ms, end_time: ms + 500, attributes: { k: `v${n}` } }],
        });
      const flush = gatherEncoded([request(1), request(2)]);
      await commitEncoded(db, flush, { dedupToken: `${tenant}-native` });
      await commitEncoded(db, flush, { dedupToken: `${tenant}-native` });
      const [runs] = await db.query(
        `SELECT count() AS n, sum(toUnixTimestamp64Milli(end_time) - toUnixTimestamp64Milli(start_time)) AS ms, sum(ifNull(human_minutes, 0)) AS hm, countIf(outcome = 'exception') AS ex FROM runs WHERE tenant_id = {t:String}`,
        { t: tenant },
        z.object({ n: z.coerce.number(), ms: z.coerce.number(), hm: z.number(), ex: z.coerce.number() }),
      );
      // 2 requests × 3 runs of 1, 2 and 3 s; 4 of them with 1.5 human minutes; 2 exceptions.
      expect(runs).toEqual({ n: 6, ms: 12_000, hm: 6, ex: 2 });
      const steps = await db.query(`SELECT step, attributes['k'] AS k FROM steps WHERE tenant_id = {t:String} ORDER BY k`, { t: tenant }, z.object({ step: z.string(), k: z.string() }));
      expect(steps).toEqual([{ step: "ü", k: "v1" }, { step: "ü", k: "v2" }]);
    });

    it("rejects rows that do not match the row schema with a StoreError", async () => {
      const db = await open();
      await expect(db.query("SELECT 'abc' AS n", {}, z.object({ n: z.number() }))).rejects.toBeInstanceOf(StoreError);
    });

    it("turns SQL errors into StoreErrors and stays usable", async () => {
      const db = await open();
      await expect(db.command("SELEC 1")).rejects.toBeInstanceOf(StoreError);
      await expect(db.query("SELECT * FROM no_such_table", {}, z.object({}))).rejects.toThrow(/no_such_table/);
      const [ok] = await db.query("SELECT 1 AS one", {}, z.object({ one: z.coerce.number() }));
      expect(ok?.one).toBe(1);
    });

    it("refuses a table name that is not an identifier", async () => {
      const db = await open();
      await expect(db.insert("runs; DROP TABLE runs", [{ a: 1 }])).rejects.toThrow(/Invalid table name/);
    });
  });
}

adapterSuite("embedded", testDb);

describe("embedded adapter connections", () => {
  it("runs an insert and a query while a slow query holds another connection", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    const order: string[] = [];
    const slow = db.command("SELECT sleepEachRow(0.5) FROM numbers(3) FORMAT Null").then(() => order.push("slow"));
    await new Promise((r) => setTimeout(r, 100));
    await db.insert("ingest_stats", [{ tenant_id: tenant, day: today, channel: "c", accepted: 1, rejected: 0 }]);
    const [row] = await db.query("SELECT sum(accepted) AS n FROM ingest_stats WHERE tenant_id = {t:String}", { t: tenant }, z.object({ n: z.coerce.number() }));
    order.push(`read ${row?.n}`);
    await slow;
    expect(order).toEqual(["read 1", "slow"]);
  });
});

const url = process.env.CLICKHOUSE_URL;
if (url) {
  adapterSuite("server", async () => {
    await testDb(); // migrates the server's database
    return openServer({
      url,
      username: process.env.CLICKHOUSE_USER,
      password: process.env.CLICKHOUSE_PASSWORD,
      database: process.env.CLICKHOUSE_DATABASE,
    });
  });
} else {
  // No server here: the server adapter still runs for real, over HTTP against chDB in a child process.
  let compat: Promise<{ db: Db; server: CompatServer }> | undefined;
  afterAll(async () => {
    const c = await compat;
    await c?.db.close();
    await c?.server.stop();
  });
  adapterSuite("server (ClickHouse HTTP compat over chDB)", async () => {
    compat ??= startCompatServer().then(async (server) => {
      const db = openServer({ url: server.url });
      await migrate(db);
      return { db, server };
    });
    return (await compat).db;
  });

  describe("server adapter on a cluster", () => {
    it("sends the cluster settings with every statement when CLICKHOUSE_CLUSTER is set, and only then", async () => {
      const { server } = await (compat ??= startCompatServer().then(async (srv) => ({ db: openServer({ url: srv.url }), server: srv })));
      const row = z.object({ sync: z.coerce.string(), balance: z.string() });
      const sql = "SELECT toString(getSetting('distributed_foreground_insert')) AS sync, toString(getSetting('load_balancing')) AS balance";
      const clustered = openServer({ url: server.url, cluster: "plumbline" });
      try {
        expect(await clustered.query(sql, {}, row)).toEqual([{ sync: "true", balance: "in_order" }]);
      } finally {
        await clustered.close();
      }
      const plain = openServer({ url: server.url });
      try {
        expect(await plain.query(sql, {}, row)).toEqual([{ sync: "false", balance: "random" }]);
      } finally {
        await plain.close();
      }
    });
  });
}
