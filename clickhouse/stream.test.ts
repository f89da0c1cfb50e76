import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Db, StoreError } from "./client";
import { type CompatServer, startCompatServer } from "./http-compat-server";
import { openServer } from "./server-client";
import { testDb } from "./testing";

const text = async (chunks: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString("utf8");
};

/** The same cases on both adapters: the embedded engine, and the server adapter against the HTTP stand-in. */
function streamSuite(name: string, open: () => Promise<Db>) {
  describe(`Db.stream (${name})`, () => {
    it("yields every row as a JSON line, with bound parameters", async () => {
      const db = await open();
      const sql = "SELECT number AS n, {tag:String} AS tag FROM numbers(50000)";
      const out = await text(db.stream(sql, { tag: "x" }));
      const lines = out.split("\n");
      expect(lines.pop()).toBe("");
      expect(lines).toHaveLength(50_000);
      // Values are written as query() reads them (64-bit integers quoted or not, per adapter).
      expect(JSON.parse(lines[49_999] ?? "")).toEqual((await db.query(sql, { tag: "x" }, z.unknown()))[49_999]);
    });

    it("runs two streams and a query at once, and leaves the store usable after a loop left early", async () => {
      const db = await open();
      const a = db.stream("SELECT number FROM numbers(200000)", {})[Symbol.asyncIterator]();
      const b = text(db.stream("SELECT number FROM numbers(1000)", {}));
      expect((await a.next()).done).toBe(false);
      const [n] = await db.query("SELECT count() AS n FROM numbers(10)", {}, z.object({ n: z.coerce.number() }));
      expect(n?.n).toBe(10);
      expect((await b).split("\n")).toHaveLength(1001);
      await a.return?.(undefined);
      expect(await text(db.stream("SELECT 1 AS one", {}))).toBe('{"one":1}\n');
    });

    it("fails with a StoreError for a bad query", async () => {
      const db = await open();
      await expect(text(db.stream("SELECT * FROM no_such_table", {}))).rejects.toBeInstanceOf(StoreError);
    });
  });
}

streamSuite("embedded", testDb);

let compat: Promise<{ db: Db; server: CompatServer }> | undefined;
afterAll(async () => {
  const c = await compat;
  await c?.db.close();
  await c?.server.stop();
});
streamSuite("server", async () => {
  compat ??= startCompatServer().then((server) => ({ db: openServer({ url: server.url }), server }));
  return (await compat).db;
});
