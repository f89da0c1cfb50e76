import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Db } from "./client";
import { newClusterState, renderMigration } from "./render";

export interface MigrationFile {
  version: number;
  file: string;
  text: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

function migrationsDir(): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
  // Inside a Next.js bundle this module no longer sits beside its SQL files; the project root does.
  return existsSync(beside) ? beside : path.join(process.cwd(), "clickhouse", "migrations");
}

export const MIGRATIONS_DIR = migrationsDir();

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Reads the numbered migration files in order; a malformed name or a repeated number is an error. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const m = FILE_NAME.exec(file);
    if (!m?.[1]) throw new MigrationError(`Migration file name ${file} must look like 0001_create_things.sql`);
    const version = Number(m[1]);
    const twin = seen.get(version);
    if (twin) throw new MigrationError(`Migrations ${twin} and ${file} share the number ${m[1]}`);
    seen.set(version, file);
    const text = readFileSync(path.join(dir, file), "utf8");
    return { version, file, text, checksum: createHash("sha256").update(text).digest("hex") };
  });
}

const appliedRow = z.object({ version: z.coerce.number(), file: z.string(), checksum: z.string() });

function ledgerDdl(cluster: string | undefined): string {
  const text = `-- cluster: replicated
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    file String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version;`;
  const [ddl] = renderMigration(text, cluster, newClusterState());
  if (!ddl) throw new MigrationError("internal: empty ledger DDL");
  return ddl;
}

export async function appliedMigrations(db: Db): Promise<z.infer<typeof appliedRow>[]> {
  return db.query(
    "SELECT version, argMax(file, applied_at) AS file, argMax(checksum, applied_at) AS checksum FROM schema_migrations GROUP BY version ORDER BY version",
    {},
    appliedRow,
  );
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/**
 * Applies every migration not yet recorded, in order. Each statement is idempotent (IF NOT EXISTS),
 * so a run interrupted half-way can simply be repeated; a file is recorded only after all of its
 * statements succeeded, and the first failure stops the run with the file and statement named.
 */
export async function migrate(
  db: Db,
  options: { cluster?: string; dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const files = loadMigrations(options.dir);
  await db.command(ledgerDdl(options.cluster));
  const done = new Map((await appliedMigrations(db)).map((r) => [r.version, r]));
  const state = newClusterState();
  const applied: string[] = [];
  for (const m of files) {
    // Rendering every file, applied or not, keeps the cluster state (which tables are sharded) complete.
    const statements = renderMigration(m.text, options.cluster, state);
    const prior = done.get(m.version);
    if (prior) {
      if (prior.checksum !== m.checksum) {
        throw new MigrationError(
          `Migration ${m.file} was changed after it was applied (checksum differs). Migrations are ` +
            `forward-only: restore the file and put the change in a new numbered file.`,
        );
      }
      continue;
    }
    for (const [i, sql] of statements.entries()) {
      try {
        await db.command(sql);
      } catch (err) {
        const head = sql.split("\n")[0]?.slice(0, 100);
        const why = err instanceof Error ? err.message : String(err);
        throw new MigrationError(`Migration ${m.file} failed at statement ${i + 1} (${head}): ${why}`, { cause: err });
      }
    }
    await db.insert("schema_migrations", [{ version: m.version, file: m.file, checksum: m.checksum }]);
    applied.push(m.file);
    options.log?.(`applied ${m.file}`);
  }
  return { applied, total: files.length };
}
