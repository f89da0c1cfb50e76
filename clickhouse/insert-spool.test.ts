import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openInsertSpool } from "./insert-spool";
import { freshTenant, testDb } from "./testing";

const roots: string[] = [];
function scratchRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "plumbline-spool-test-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/** The embedded adapter's spool directory in this worker process. */
function adapterSpool(): string {
  const root = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  const mine = readdirSync(root).filter((n) => n.startsWith(`plumbline-insert-${process.pid}-`));
  expect(mine).toHaveLength(1);
  return path.join(root, mine[0]!);
}

const today = new Date().toISOString().slice(0, 10);
const statsFormat = { name: "TabSeparated" as const, columns: ["tenant_id", "day", "channel", "source", "reason", "accepted", "rejected"] };

describe("insert spool", () => {
  it("writes private files with the payload's bytes and removes them on release and dispose", () => {
    const spool = openInsertSpool([scratchRoot()]);
    const payload = Buffer.from("a\tb\\tc\n\u00e9\u{1F600}\n");
    const file = spool.write(payload);
    expect(readFileSync(file)).toEqual(payload);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const second = spool.write(Buffer.alloc(0));
    expect(second).not.toBe(file);
    spool.release(file);
    spool.release(file);
    expect(existsSync(file)).toBe(false);
    spool.dispose();
    expect(existsSync(path.dirname(second))).toBe(false);
  });

  it("writes a payload given in parts as their concatenation, over more parts than one write call takes", () => {
    const spool = openInsertSpool([scratchRoot()]);
    // 1,300 parts of 0–299 bytes (empty ones included), each filled with its own index, so a part
    // written twice, dropped or out of order changes the file.
    const parts = Array.from({ length: 1300 }, (_, i) => Buffer.alloc((i * 37) % 300, i % 251));
    const file = spool.write(parts);
    const got = readFileSync(file);
    expect(got.length).toBe(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const [i, p] of parts.entries()) {
      expect(got.subarray(at, at + p.length).every((b) => b === i % 251)).toBe(true);
      at += p.length;
    }
    spool.dispose();
  });

  it("falls back to the next root when one cannot take a directory, and throws when none can", () => {
    const missing = path.join(scratchRoot(), "no", "such", "dir");
    const fallback = scratchRoot();
    const spool = openInsertSpool([missing, fallback]);
    const file = spool.write(Buffer.from("x"));
    expect(path.dirname(path.dirname(file))).toBe(fallback);
    spool.dispose();
    expect(() => openInsertSpool([missing])).toThrow(/ENOENT/);
  });

  it("hands a payload a root cannot take to the next one, the last root included, and throws when none takes it", () => {
    const memory = scratchRoot();
    const last = scratchRoot();
    const spool = openInsertSpool([memory], last);
    const first = spool.write(Buffer.from("a"));
    expect(path.dirname(path.dirname(first))).toBe(memory);
    // The memory root stops taking files (as a full /dev/shm would): its directory is gone.
    rmSync(path.dirname(first), { recursive: true, force: true });
    const spilled = spool.write(Buffer.from("bc"));
    expect(path.dirname(path.dirname(spilled))).toBe(last);
    expect(readFileSync(spilled, "utf8")).toBe("bc");
    rmSync(path.dirname(spilled), { recursive: true, force: true });
    expect(() => spool.write(Buffer.from("d"))).toThrow(/ENOENT/);
    spool.dispose();
  });

  it("removes what a dead process left behind and keeps a live one's directory", () => {
    const root = scratchRoot();
    const orphan = path.join(root, `plumbline-insert-${deadPid()}-abc123`);
    mkdirSync(orphan);
    writeFileSync(path.join(orphan, "1.dat"), "left over");
    const live = path.join(root, `plumbline-insert-${process.ppid}-def456`);
    mkdirSync(live);
    const unrelated = path.join(root, "plumbline-insert-notapid");
    mkdirSync(unrelated);
    const spool = openInsertSpool([root]);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    spool.dispose();
  });
});

describe("embedded inserts through the spool", () => {
  const count = z.object({ n: z.coerce.number() });

  it("leaves no file behind after an insert that lands or one the engine refuses", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    const dir = adapterSpool();
    await db.insertRaw("ingest_stats", Buffer.from(`${tenant}\t${today}\totlp-traces\t\t\t7\t0\n`), statsFormat);
    await expect(db.insertRaw("ingest_stats", Buffer.from(`${tenant}\tnot a day\totlp-traces\t\t\t1\t0\n`), statsFormat)).rejects.toThrow(/Insert into ingest_stats failed/);
    expect(readdirSync(dir)).toEqual([]);
    const [row] = await db.query("SELECT sum(accepted) AS n FROM ingest_stats WHERE tenant_id = {t:String}", { t: tenant }, count);
    expect(row?.n).toBe(7);
  });

  it("still inserts, from the next root, when the memory spool cannot take the payload", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    const dir = adapterSpool();
    // A spool that cannot be written (as a full /dev/shm would be): the directory is moved away.
    renameSync(dir, `${dir}-away`);
    try {
      await db.insertRaw("ingest_stats", Buffer.from(`${tenant}\t${today}\totlp-traces\t\t\t3\t1\n`), statsFormat, { dedupToken: `${tenant}-t` });
      await db.insertRaw("ingest_stats", Buffer.from(`${tenant}\t${today}\totlp-traces\t\t\t3\t1\n`), statsFormat, { dedupToken: `${tenant}-t` });
    } finally {
      renameSync(`${dir}-away`, dir);
    }
    const [row] = await db.query("SELECT sum(accepted) + sum(rejected) AS n FROM ingest_stats WHERE tenant_id = {t:String}", { t: tenant }, count);
    // Retried with the same token: stored once.
    expect(row?.n).toBe(4);
  });
});
