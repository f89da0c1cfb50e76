import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { toClickHouseTime } from "@/clickhouse/client";
import { getStore } from "@/clickhouse/store";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { backup, MARKER, restore } from "./backup";
import { cliHandler } from "./cli/remote-handler";
import { resetEnvCache } from "./env";

const tmp = mkdtempSync(path.join(os.tmpdir(), "plumbline-backup-"));
const root = path.join(tmp, "backups");
const today = new Date().toISOString().slice(0, 10);
const sumRow = z.object({ a: z.coerce.number() });

describe("backup and restore of the embedded store", () => {
  beforeAll(async () => {
    process.env.PLUMBLINE_BACKUP_DIR = root;
    resetEnvCache();
    // The backup root is fixed when the store opens; testDb() then reuses this process-wide handle.
    await getStore({
      kind: "embedded",
      dataDir: path.resolve(process.env.PLUMBLINE_DATA_DIR ?? "test-data/default"),
      extraArgs: [`--backups.allowed_path=${root}`],
    });
    await testDb();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const accepted = async (tenant: string) => {
    const [r] = await (await testDb()).query(
      "SELECT sum(accepted) AS a FROM ingest_stats WHERE tenant_id = {t:String}",
      { t: tenant },
      sumRow,
    );
    return r?.a;
  };

  it("restores the store to exactly what it held at backup time", async () => {
    const db = await testDb();
    const tenant = freshTenant();
    await db.insert("ingest_stats", [{ tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 10, rejected: 0 }]);
    const made = await backup(db, { root, target: path.join(root, "round-trip") });
    expect(made.tables).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(path.join(made.dir, MARKER), "utf8"))).toMatchObject({ dir: made.dir });

    await db.insert("ingest_stats", [{ tenant_id: tenant, day: today, channel: "otlp-traces", accepted: 5, rejected: 0 }]);
    await db.command("ALTER TABLE runs DELETE WHERE 1 SETTINGS mutations_sync = 2");
    expect(await accepted(tenant)).toBe(15);

    const restored = await restore(db, { root, source: made.dir, remote: false });
    expect(await accepted(tenant)).toBe(10);
    expect(restored.tables).toBe(made.tables);
    expect(existsSync(path.join(restored.safetyBackup, ".backup"))).toBe(true);

    // The restored store keeps working: it takes new rows.
    const start = toClickHouseTime(new Date(Date.now() - 600_000));
    await db.insert("runs", [
      { tenant_id: tenant, workflow: "intake", run_id: "r1", phase: "live", outcome: "completed", start_time: start, end_time: start },
    ]);
    const [daily] = await db.query(
      "SELECT count() AS a FROM runs WHERE tenant_id = {t:String} AND run_id = 'r1'",
      { t: tenant },
      sumRow,
    );
    expect(daily?.a).toBe(1);
  });

  it("writes a backup to a directory outside the backup root by staging it inside first", async () => {
    const db = await testDb();
    const outside = path.join(tmp, "elsewhere", "nightly");
    const made = await backup(db, { root, target: outside });
    expect(existsSync(path.join(outside, ".backup"))).toBe(true);
    expect(made.dir).toBe(outside);
  });

  it("refuses to restore inside a running server", async () => {
    const db = await testDb();
    await expect(restore(db, { root, source: path.join(root, "round-trip"), remote: true })).rejects.toThrow(/Stop it/);
  });

  it("refuses a directory that is not a backup, and a non-empty backup target", async () => {
    const db = await testDb();
    await expect(restore(db, { root, source: tmp, remote: false })).rejects.toThrow(/not a Plumbline backup/);
    await expect(backup(db, { root, target: path.join(root, "round-trip") })).rejects.toThrow(/not empty/);
  });

  describe("through the CLI while a server runs", () => {
    const advert = { pid: process.pid, port: 0, token: "t".repeat(64), startedAt: new Date().toISOString() };
    const forward = async (argv: string[]) => {
      const res = await cliHandler(() => advert)(
        new Request("http://localhost/internal/cli", {
          method: "POST",
          headers: { "content-type": "application/json", "x-plumbline-cli-token": advert.token },
          body: JSON.stringify({ argv, cwd: tmp, actor: "test" }),
        }),
      );
      const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      return lines.at(-1) ?? {};
    };

    it("performs a forwarded backup in the server process, relative paths resolved against the caller's directory", async () => {
      const last = await forward(["backup", "backups/forwarded"]);
      expect(last.error).toBeUndefined();
      expect(existsSync(path.join(root, "forwarded", ".backup"))).toBe(true);
    });

    it("refuses a forwarded restore with a message saying to stop the server", async () => {
      const last = await forward(["restore", "backups/forwarded"]);
      expect(String(last.error)).toMatch(/Stop it/);
    });
  });
});
