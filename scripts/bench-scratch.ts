/**
 * A bench script's scratch: a fresh, migrated embedded store and a directory for insert files (memory
 * when the system has /dev/shm), both removed afterwards however the run ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "@/clickhouse/client";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { insertFileDir } from "./raw-inserts";

export async function withScratchStore(tag: string, run: (db: Db, fileDir: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `plumbline-bench-${tag}-`));
  const fileDir = insertFileDir();
  try {
    const db = await getStore({ kind: "embedded", dataDir });
    await migrate(db);
    await run(db, fileDir);
    await closeStore();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(fileDir, { recursive: true, force: true });
  }
}

/** Runs a script's main; a failure is printed and exits 1. */
export function runScript(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
