import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { StoreError, type Db } from "./client";
import { startCompatServer, type CompatServer } from "./http-compat-server";
import { migrate } from "./migrate";
import { openServer } from "./server-client";
import { freshTenant } from "./testing";

/** A TCP proxy the test can cut (every connection dropped, new ones refused) and restore. */
function tcpProxy(targetPort: number) {
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  return {
    server,
    listen: () =>
      new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port))),
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sumRow = z.object({ a: z.coerce.number() });
const today = new Date().toISOString().slice(0, 10);

describe("a ClickHouse server outage seen by the server adapter", () => {
  let compat: CompatServer;
  let proxy: ReturnType<typeof tcpProxy>;
  let db: Db;

  beforeAll(async () => {
    compat = await startCompatServer();
    const direct = openServer({ url: compat.url });
    await migrate(direct);
    await direct.close();
    proxy = tcpProxy(compat.port);
    const port = await proxy.listen();
    db = openServer({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await db?.close();
    await proxy?.close();
    await compat?.stop();
  });

  const total = (tenant: string) =>
    db.query("SELECT sum(accepted) AS a FROM ingest_stats WHERE tenant_id = {t:String}", { t: tenant }, sumRow);

  it("fails queries and inserts with a StoreError while the server is unreachable, and recovers without a restart", async () => {
    const tenant = freshTenant();
    const row = { tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 4, rejected: 0 };
    await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-1` });
    expect(await total(tenant)).toEqual([{ a: 4 }]);

    proxy.cut();
    await expect(total(tenant)).rejects.toBeInstanceOf(StoreError);
    await expect(db.insert("ingest_stats", [row], { dedupToken: `${tenant}-2` })).rejects.toBeInstanceOf(StoreError);

    proxy.restore();
    await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-2` });
    expect(await total(tenant)).toEqual([{ a: 8 }]);
  });

  it("counts an insert retried after the outage once when it carries the same deduplication token", async () => {
    const tenant = freshTenant();
    const row = { tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 5, rejected: 0 };
    // The first attempt may have reached the server before the connection dropped: the retry must not double it.
    await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-batch` });
    proxy.cut();
    proxy.restore();
    // As the writer does: a pooled connection the cut killed can fail the first attempt (ECONNRESET).
    for (let attempt = 1; ; attempt++) {
      try {
        await db.insert("ingest_stats", [row], { dedupToken: `${tenant}-batch` });
        break;
      } catch (err) {
        if (attempt >= 3 || !(err instanceof StoreError) || !err.code.startsWith("NET_")) throw err;
      }
    }
    expect(await total(tenant)).toEqual([{ a: 5 }]);
  });

  it("names the network failure in the StoreError code so callers can answer 503", async () => {
    proxy.cut();
    const err = await db.command("SELECT 1").catch((e: unknown) => e);
    proxy.restore();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toMatch(/^NET_/);
  });
});
