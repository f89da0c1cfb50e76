import path from "node:path";
import { backup, BackupError, restore, type BackupResult, type RestoreResult } from "@/server/backup";
import { backupRoot } from "@/server/env";
import { CliError, defineCommand } from "../command";

async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message);
    throw err;
  }
}

export const backupCommand = defineCommand({
  name: "backup",
  summary: "Back up the embedded store into a new directory (works while the server runs)",
  usage: "plumbline backup [<dir>] [--json]   (default: a timestamped directory under PLUMBLINE_BACKUP_DIR)",
  async run(ctx, args) {
    const dir = args.positionals[0];
    const root = backupRoot();
    const target = dir ? path.resolve(ctx.cwd, dir) : undefined;
    ctx.progress(`backing up to ${target ?? root}`);
    return asCliError(() => backup(ctx.db, { root, target }));
  },
  format: (r: BackupResult) => `Backed up ${r.tables} tables (${r.rows} rows) to ${r.dir}`,
});

export const restoreCommand = defineCommand({
  name: "restore",
  summary: "Replace the embedded store's contents with a backup (the server must be stopped)",
  usage: "plumbline restore <dir> [--json]",
  async run(ctx, args) {
    const dir = args.positionals[0];
    if (!dir) throw new CliError("Usage: plumbline restore <dir>", 2);
    const source = path.resolve(ctx.cwd, dir);
    ctx.progress(`restoring from ${source}`);
    return asCliError(() => restore(ctx.db, { root: backupRoot(), source, remote: ctx.remote }));
  },
  format: (r: RestoreResult) =>
    `Restored ${r.tables} tables (${r.rows} rows) from ${r.dir}. The previous contents are in ${r.safetyBackup}.`,
});
