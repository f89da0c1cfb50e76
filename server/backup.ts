import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";

/**
 * Backups of the embedded store with ClickHouse's own BACKUP/RESTORE (a consistent copy of every
 * table's parts and metadata). chDB lets BACKUP write only under `backups.allowed_path`, fixed when
 * the store opens (server/env.ts: the backup root, PLUMBLINE_BACKUP_DIR or `<data dir>/../plumbline-backups`),
 * never `/`: a forwarded CLI command must not be able to make the server write anywhere it likes.
 * A target outside the root is written inside it first and then moved out.
 */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

export const MARKER = "plumbline-backup.json";

export interface BackupResult {
  dir: string;
  createdAt: string;
  tables: number;
  rows: number;
}

export interface RestoreResult {
  dir: string;
  tables: number;
  rows: number;
  /** The store as it was before the restore, kept in case the backup was the wrong one. */
  safetyBackup: string;
}

const within = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

/** File() takes a string literal, not a bound parameter: allow only paths that need no escaping. */
function fileLiteral(dir: string): string {
  if (!/^[\w./@+-]+$/.test(dir)) throw new BackupError(`Backup paths may use letters, digits and . / _ - @ + only: ${dir}`);
  return `File('${dir}/')`;
}

const tableRow = z.object({ name: z.string(), engine: z.string(), rows: z.coerce.number().nullable() });

async function tables(db: Db) {
  return db.query(
    "SELECT name, engine, total_rows AS rows FROM system.tables WHERE database = currentDatabase() AND NOT is_temporary ORDER BY name",
    {},
    tableRow,
  );
}

function requireEmbedded(db: Db): void {
  if (db.store !== "embedded") {
    throw new BackupError(
      "backup/restore cover the embedded store. With a ClickHouse server, use the server's own BACKUP " +
        "(e.g. BACKUP DATABASE plumbline TO Disk('backups', '...')) or your platform's snapshots.",
    );
  }
}

async function backupInto(db: Db, dir: string): Promise<void> {
  await db.command(`BACKUP DATABASE ${await currentDatabase(db)} TO ${fileLiteral(dir)}`);
}

async function currentDatabase(db: Db): Promise<string> {
  const [row] = await db.query("SELECT currentDatabase() AS d", {}, z.object({ d: z.string().regex(/^\w+$/) }));
  return row?.d ?? "default";
}

function move(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch {
    // Another filesystem: copy, then drop the staged copy.
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/** Backs the whole store up into `target` (new or empty), or a timestamped directory under the root. */
export async function backup(db: Db, options: { root: string; target?: string }): Promise<BackupResult> {
  requireEmbedded(db);
  const root = path.resolve(options.root);
  const createdAt = new Date().toISOString();
  const target = path.resolve(options.target ?? path.join(root, `plumbline-${createdAt.replace(/[:.]/g, "-")}`));
  if (existsSync(target) && readdirSync(target).length > 0) throw new BackupError(`${target} is not empty: back up into a new directory`);
  mkdirSync(root, { recursive: true });
  const direct = within(root, target);
  const dest = direct ? target : path.join(root, `.staging-${randomUUID()}`);
  if (direct && existsSync(target)) rmSync(target, { recursive: true });
  const ts = await tables(db);
  await backupInto(db, dest);
  const result: BackupResult = { dir: target, createdAt, tables: ts.length, rows: ts.reduce((n, t) => n + (t.rows ?? 0), 0) };
  writeFileSync(path.join(dest, MARKER), `${JSON.stringify(result, null, 2)}\n`);
  if (!direct) move(dest, target);
  return result;
}

/**
 * Replaces the store's contents with a backup. Refused inside a running server (its dashboards and
 * ingest would see tables vanish mid-request): stop it and run restore from the CLI. The current
 * contents are backed up under the root first, so a restore of the wrong backup can be undone.
 */
export async function restore(db: Db, options: { root: string; source: string; remote: boolean }): Promise<RestoreResult> {
  requireEmbedded(db);
  if (options.remote) {
    throw new BackupError(
      "A Plumbline server is running on this data directory. Stop it (Ctrl-C or SIGTERM), then run restore again: " +
        "restoring under a live server would pull tables out from under its requests.",
    );
  }
  const root = path.resolve(options.root);
  const source = path.resolve(options.source);
  if (!existsSync(path.join(source, ".backup"))) throw new BackupError(`${source} is not a Plumbline backup (no .backup file)`);
  const safety = await backup(db, { root, target: path.join(root, `pre-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`) });
  const staged = within(root, source) ? undefined : path.join(root, `.staging-${randomUUID()}`);
  if (staged) cpSync(source, staged, { recursive: true });
  try {
    // Views first: a materialized view must not outlive the table it writes to, even for a moment.
    const existing = await tables(db);
    const order = [...existing.filter((t) => /View$/.test(t.engine)), ...existing.filter((t) => !/View$/.test(t.engine))];
    for (const t of order) await db.command(`DROP TABLE IF EXISTS \`${t.name.replace(/`/g, "")}\` SYNC`);
    await db.command(`RESTORE DATABASE ${await currentDatabase(db)} FROM ${fileLiteral(staged ?? source)}`);
  } finally {
    if (staged) rmSync(staged, { recursive: true, force: true });
  }
  const ts = await tables(db);
  return { dir: source, tables: ts.length, rows: ts.reduce((n, t) => n + (t.rows ?? 0), 0), safetyBackup: safety.dir };
}
