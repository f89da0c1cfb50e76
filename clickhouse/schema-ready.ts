import type { Db } from "./client";
import { appliedMigrations, loadMigrations, MigrationError } from "./migrate";

export interface AwaitSchemaOptions {
  /** Migration files this process was built with (tests pass their own). */
  dir?: string;
  /** How long to wait for the migrating process before refusing. */
  timeoutMs?: number;
  pollMs?: number;
  /** Names this process in the refusal ("the alerts process"). */
  who?: string;
  log?: (line: string) => void;
}

/** The files of this build the store has not recorded yet, or a refusal when one was changed. */
async function missing(db: Db, dir: string | undefined): Promise<string[]> {
  const files = loadMigrations(dir);
  // Before the first migration there is no ledger table: nothing is applied yet.
  const applied = await appliedMigrations(db).catch(() => []);
  const done = new Map(applied.map((r) => [r.version, r]));
  for (const m of files) {
    const prior = done.get(m.version);
    if (prior && prior.checksum !== m.checksum) {
      throw new MigrationError(`The store applied a different ${m.file} than this build has: run the same Plumbline version in every process.`);
    }
  }
  return files.filter((m) => !done.has(m.version)).map((m) => m.file);
}

/**
 * Waits until every migration of this build is recorded in the store, without applying any: only one
 * process migrates (the web process at start, or `plumbline migrate`), so processes started beside it
 * (the standalone alert evaluator) never race it on DDL. Refuses after `timeoutMs` with the files still
 * missing and what to do.
 */
export async function awaitSchema(db: Db, options: AwaitSchemaOptions = {}): Promise<void> {
  const { timeoutMs = 300_000, pollMs = 2_000, who = "this process" } = options;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const left = await missing(db, options.dir);
    if (left.length === 0) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `The store's schema is not migrated (${left.length} migration${left.length > 1 ? "s" : ""} missing, first ${left[0]}). ` +
          `${who} does not migrate: start the web process, which migrates at start, or run \`plumbline migrate\`, then start ${who} again.`,
      );
    }
    if (!told) options.log?.(`waiting for the schema: ${left.length} migration(s) not applied yet (the web process migrates)`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}
