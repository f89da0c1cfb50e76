import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startCompatServer } from "@/clickhouse/http-compat-server";
import { migrate } from "@/clickhouse/migrate";
import { openServer } from "@/clickhouse/server-client";
import { freshTenant } from "@/clickhouse/testing";
import { createIngestKey } from "@/ingest/keys";
import { startTestReceiver } from "@/ingest/otlp/test-receiver";
import { postTraces, runSpansRequest } from "@/scripts/otlp-load";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const started: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The environment of a Plumbline process on its own embedded data directory. */
function childEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    PLUMBLINE_DATA_DIR: dataDir,
    PLUMBLINE_SECRET: "crash-test-secret-0123456789abcdef",
    PLUMBLINE_OTLP_PORT: String(port),
    HOST: "127.0.0.1",
    PLUMBLINE_DEMO: "0",
  };
  delete e.CLICKHOUSE_URL;
  return e;
}

async function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, "bin/plumbline.mjs"), ...args, "--json"], { env, cwd: ROOT });
  return JSON.parse(stdout);
}

/** `npm run ingest`'s process; resolves once it listens. */
function startIngest(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "ingest/server.ts")], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("OTLP/HTTP on")) resolve(child);
    });
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code, signal) => reject(new Error(`ingest exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

/** Counts in a separate process: chDB allows one data directory per process and this one has its own. */
async function storedCounts(env: NodeJS.ProcessEnv, tenantId: string) {
  const code = `
    const { getStore, closeStore } = await import(${JSON.stringify(path.join(ROOT, "clickhouse/store.ts"))});
    const { z } = await import("zod");
    const db = await getStore({ kind: "embedded", dataDir: process.env.PLUMBLINE_DATA_DIR });
    const p = { t: ${JSON.stringify(tenantId)} };
    const n = z.object({ n: z.coerce.number() });
    const [raw] = await db.query("SELECT count() AS n FROM runs WHERE tenant_id = {t:String}", p, n);
    const [unique] = await db.query("SELECT uniqExact(run_id) AS n FROM runs WHERE tenant_id = {t:String}", p, n);
    const [final] = await db.query("SELECT count() AS n FROM runs FINAL WHERE tenant_id = {t:String}", p, n);
    const ids = await db.query("SELECT DISTINCT run_id FROM runs WHERE tenant_id = {t:String}", p, z.object({ run_id: z.string() }));
    console.log(JSON.stringify({ raw: raw.n, unique: unique.n, final: final.n, ids: ids.map((r) => r.run_id) }));
    await closeStore();`;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env, cwd: ROOT });
  return z
    .object({ raw: z.number(), unique: z.number(), final: z.number(), ids: z.array(z.string()) })
    .parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
}

describe("kill -9 of the ingest process during sustained ingest", () => {
  it("keeps every acknowledged run exactly once, and the store reopens cleanly", async () => {
    const root = path.resolve("test-data", `crash-${randomUUID().slice(0, 8)}`);
    dirs.push(root);
    const env = childEnv(path.join(root, "data"), await freePort());
    await cli(env, ["migrate"]);
    const tenant = z.object({ tenant_id: z.string() }).parse(await cli(env, ["tenants", "create", "crash"]));
    const key = z.object({ secret: z.string() }).parse(await cli(env, ["keys", "create", "--tenant", "crash", "--name", "load"]));
    const url = `http://127.0.0.1:${env.PLUMBLINE_OTLP_PORT}`;

    let ingest = await startIngest(env);
    const bodies = new Map<number, { body: string; ids: string[] }>();
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    // Four clients send 50-run requests back to back; after 30 acks, the process is killed while the
    // next request is on its way (the writer answers the clients of a flush together, so right after an
    // answer nothing else need be in flight).
    const client = async () => {
      while (!killed) {
        const n = next++;
        const ids = Array.from({ length: 50 }, (_, i) => `r${n}-${i}`);
        const body = runSpansRequest(ids);
        bodies.set(n, { body, ids });
        const sending = postTraces(url, key.secret, body);
        if (acked.size >= 30 && !killed) {
          killed = true;
          setTimeout(() => ingest.kill("SIGKILL"), 5);
        }
        const res = await sending;
        if (res.status === 200) acked.add(n);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    await exited(ingest);
    const ackedBeforeKill = new Set(acked);
    // The kill landed mid-stream: requests were in flight, unanswered.
    expect(bodies.size).toBeGreaterThan(ackedBeforeKill.size);

    // Restart on the same data directory; the exporters retry what was not acknowledged, same bodies.
    ingest = await startIngest(env);
    for (const [n, r] of bodies) {
      if (acked.has(n)) continue;
      const res = await postTraces(url, key.secret, r.body);
      expect(res.status).toBe(200);
      acked.add(n);
    }
    ingest.kill("SIGTERM");
    await exited(ingest);

    const counts = await storedCounts(env, tenant.tenant_id);
    const stored = new Set(counts.ids);
    const ackedIds = [...ackedBeforeKill].flatMap((n) => bodies.get(n)?.ids ?? []);
    expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]);
    const sent = bodies.size * 50;
    // Raw rows, before any merge could hide a duplicate: no acknowledged block was stored twice.
    expect(counts).toMatchObject({ raw: sent, unique: sent, final: sent });
    // Without FINAL, a duplicate that the engine has not merged away yet would show here.
    expect(counts.raw).toBe(sent);
  });
});

describe("ingest while the ClickHouse server is unreachable", () => {
  it("answers 503 with Retry-After during the outage, for known and unverified keys, and stores the retried request once after it", async () => {
    const compat = await startCompatServer();
    const direct = openServer({ url: compat.url });
    await migrate(direct);
    const proxyPort = await freePort();
    let cut = false;
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((c) => {
      if (cut) return void c.destroy();
      const up = net.connect(compat.port, "127.0.0.1");
      for (const s of [c, up]) {
        sockets.add(s);
        s.on("error", () => undefined);
        s.on("close", () => sockets.delete(s));
      }
      c.pipe(up).pipe(c);
      c.on("close", () => up.destroy());
      up.on("close", () => c.destroy());
    });
    await new Promise<void>((r) => proxy.listen(proxyPort, "127.0.0.1", r));
    const db = openServer({ url: `http://127.0.0.1:${proxyPort}`, requestTimeoutMs: 3000 });
    const tenant = freshTenant();
    const receiver = await startTestReceiver(db, tenant);
    // A second key never used before the outage: its lookup has to reach the store and cannot.
    const cold = await startTestReceiver(db, freshTenant());
    try {
      expect((await postTraces(receiver.url, receiver.key, runSpansRequest(["before"]))).status).toBe(200);

      cut = true;
      for (const s of sockets) s.destroy();
      const during = runSpansRequest(["during-1", "during-2"]);
      const refused = await postTraces(receiver.url, receiver.key, during);
      expect(refused.status).toBe(503);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      const unverified = await postTraces(cold.url, cold.key, runSpansRequest(["cold"]));
      expect(unverified.status).toBe(503);
      expect(Number(unverified.retryAfter)).toBeGreaterThan(0);

      cut = false;
      expect((await postTraces(receiver.url, receiver.key, during)).status).toBe(200);
      const rows = await direct.query(
        "SELECT run_id, count() AS n FROM runs WHERE tenant_id = {t:String} GROUP BY run_id ORDER BY run_id",
        { t: tenant },
        z.object({ run_id: z.string(), n: z.coerce.number() }),
      );
      expect(rows).toEqual([
        { run_id: "before", n: 1 },
        { run_id: "during-1", n: 1 },
        { run_id: "during-2", n: 1 },
      ]);
    } finally {
      await cold.close();
      await receiver.close();
      await db.close();
      await direct.close();
      await new Promise((r) => proxy.close(r));
      await compat.stop();
    }
  });
});

describe("several ingest processes on one ClickHouse server", () => {
  it("stores a request retried through another process once: deduplication lives in the store, not in memory", async () => {
    const compat = await startCompatServer();
    const db = openServer({ url: compat.url });
    try {
      await migrate(db);
      const tenant = freshTenant();
      const key = await createIngestKey(db, { tenantId: tenant, name: "scale-out", createdBy: "test" });
      const base = { ...childEnv("unused", 0), CLICKHOUSE_URL: compat.url };
      const ports = [await freePort(), await freePort()];
      const [a, b] = await Promise.all(ports.map((p) => startIngest({ ...base, PLUMBLINE_OTLP_PORT: String(p) })));
      const urls = ports.map((p) => `http://127.0.0.1:${p}`);

      const retried = runSpansRequest(["retried-1", "retried-2"]);
      expect((await postTraces(urls[0] ?? "", key.secret, retried)).status).toBe(200);
      expect((await postTraces(urls[1] ?? "", key.secret, retried)).status).toBe(200);
      for (let i = 0; i < 6; i++) {
        expect((await postTraces(urls[i % 2] ?? "", key.secret, runSpansRequest([`spread-${i}`]))).status).toBe(200);
      }
      for (const c of [a, b]) c?.kill("SIGTERM");
      await Promise.all([a, b].map((c) => (c ? exited(c) : undefined)));

      const [row] = await db.query(
        "SELECT count() AS n, uniqExact(run_id) AS u FROM runs WHERE tenant_id = {t:String}",
        { t: tenant },
        z.object({ n: z.coerce.number(), u: z.coerce.number() }),
      );
      expect(row).toEqual({ n: 8, u: 8 });
    } finally {
      await db.close();
      await compat.stop();
    }
  });
});
