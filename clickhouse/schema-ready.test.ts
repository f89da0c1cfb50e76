import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { appliedMigrations, migrate, MigrationError } from "./migrate";
import { awaitSchema } from "./schema-ready";
import { testDb } from "./testing";

/**
 * A private migration tree of one file, numbered far above the real tree and not yet in the store's
 * ledger (the test store is kept between runs), with a table name of its own.
 */
async function probeTree(): Promise<{ dir: string; table: string }> {
  const used = new Set((await appliedMigrations(await testDb())).map((r) => r.version));
  const free = Array.from({ length: 600 }, (_, i) => 9300 + i).filter((v) => !used.has(v));
  const version = free[Math.floor(Math.random() * free.length)];
  if (version === undefined) throw new Error("no free probe migration number left in 9300-9899");
  const dir = mkdtempSync(path.join(tmpdir(), "plumbline-ready-"));
  const table = `ready_probe_${version}_${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(path.join(dir, `${version}_ready_probe.sql`), `CREATE TABLE IF NOT EXISTS ${table} (tenant_id String) ENGINE = MergeTree ORDER BY tenant_id;\n`);
  return { dir, table };
}

const tableExists = async (table: string) => {
  const db = await testDb();
  const rows = await db.query("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}", { t: table }, z.object({ n: z.coerce.number() }));
  return rows[0]?.n === 1;
};

describe("waiting for the schema instead of migrating", () => {
  it("refuses, naming the missing file and who migrates, and applies nothing", async () => {
    const db = await testDb();
    const { dir, table } = await probeTree();
    const err = await awaitSchema(db, { dir, timeoutMs: 0, who: "the alerts process" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/_ready_probe\.sql/);
    expect((err as Error).message).toContain("the alerts process does not migrate");
    expect(await tableExists(table)).toBe(false);
  });

  it("returns once the migrating process has applied every file", async () => {
    const db = await testDb();
    const { dir, table } = await probeTree();
    const lines: string[] = [];
    const waiting = awaitSchema(db, { dir, timeoutMs: 120_000, pollMs: 50, log: (l) => lines.push(l) });
    await migrate(db, { dir });
    await expect(waiting).resolves.toBeUndefined();
    expect(await tableExists(table)).toBe(true);
  });

  it("accepts the real tree the test store was migrated with", async () => {
    const db = await testDb();
    await expect(awaitSchema(db, { timeoutMs: 0 })).resolves.toBeUndefined();
  });
});
