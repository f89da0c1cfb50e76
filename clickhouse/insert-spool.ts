import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeSync, writevSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Payload, payloadParts } from "./client";

/**
 * Where the embedded adapter hands insert payloads to the engine: a private directory of short-lived
 * files, read back with `INSERT … FROM INFILE`.
 *
 * chDB's own raw insert sends the payload inline after the statement text, and takes text formats
 * only; the collectors send Native (ingest/native.ts). Text read inline also cost the engine about
 * twice what the same bytes cost read from a file. Measured on this 2-core
 * machine, 10,000 step rows as TabSeparated, three rounds in turns (median µs a row):
 * into a Null table 11.5–13.0 inline against 5.2–8.8 from a file; into `steps` with its rollup
 * views 19.2–23.6 against 15.9–17.5. Writing the file is included in the second figure.
 *
 * The files live in memory where the system has a tmpfs (/dev/shm), else in the temp directory, and
 * spill to the store's data directory when neither takes them. They are never the copy of record: a
 * batch is acknowledged only after its INSERT returns, and a file is removed as soon as the engine has
 * read it. The directories are readable by this user only. A process that died leaves its directory
 * behind; the next one to start removes it.
 */

const PREFIX = "plumbline-insert-";

/** Memory first; the temp directory where there is no tmpfs or it cannot be written. */
function spoolRoots(): string[] {
  return existsSync("/dev/shm") ? ["/dev/shm", os.tmpdir()] : [os.tmpdir()];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes spool directories left by processes that are gone (a kill -9 skips `dispose`). */
function removeOrphans(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length)) : null;
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(path.join(root, name), { recursive: true, force: true });
    } catch {
      // Another user's leftover (the directory is theirs alone): not ours to remove, and no reason not to start.
    }
  }
}

export interface InsertSpool {
  /** Writes a payload (its parts one after another) to a new file and returns its path. */
  write(payload: Payload): string;
  /** Removes a file once the engine has read it (or the insert failed). */
  release(file: string): void;
  /** Removes the directories and whatever is left in them. */
  dispose(): void;
}

/** A private directory in `root`, after sweeping what dead processes left there. */
function privateDir(root: string): string {
  removeOrphans(root);
  return mkdtempSync(path.join(root, `${PREFIX}${process.pid}-`));
}

/** At most this many parts go to one writev call (IOV_MAX is 1024 on Linux). */
const PARTS_PER_CALL = 512;

function writeFile(file: string, parts: readonly Buffer[]): void {
  // Synchronous on purpose: a flush's payload is a few MB into memory, well under a millisecond,
  // and the async fs calls would queue on the libuv pool behind the engine's running queries. The
  // parts (a flush's requests) go straight from their buffers to the file, without first being
  // copied into one.
  const fd = openSync(file, "wx", 0o600);
  try {
    for (let i = 0; i < parts.length; i += PARTS_PER_CALL) {
      const group = parts.slice(i, i + PARTS_PER_CALL);
      let written = writevSync(fd, group);
      // A short write (rare on a regular file) leaves the rest to write part by part.
      for (const part of group) {
        if (written >= part.length) {
          written -= part.length;
          continue;
        }
        let off = written;
        written = 0;
        while (off < part.length) off += writeSync(fd, part, off, part.length - off);
      }
    }
  } catch (err) {
    // A full tmpfs (containers give /dev/shm 64 MB) must not leave half a file behind.
    closeSync(fd);
    unlinkSync(file);
    throw err;
  }
  closeSync(fd);
}

/**
 * Opens a spool over `roots`, in order of preference (memory first). A payload goes to the first
 * root that takes it: one that cannot (full, missing, read-only) hands it to the next, so a full
 * /dev/shm spills to disk rather than failing the insert. `last` is a root that must work, the store's
 * own data directory: the spool throws only when even that refuses a file. At least one directory is
 * made at once, so an unusable configuration surfaces at start, not on the first insert.
 */
export function openInsertSpool(roots: readonly string[] = spoolRoots(), last?: string): InsertSpool {
  const all = last === undefined ? [...roots] : [...roots, last];
  const dirs: (string | null | undefined)[] = all.map(() => undefined); // undefined: not tried; null: unusable
  let failure: unknown;
  const dirAt = (i: number): string | null => {
    if (dirs[i] === undefined) {
      try {
        dirs[i] = privateDir(all[i]!);
      } catch (err) {
        failure = err;
        dirs[i] = null;
      }
    }
    return dirs[i] ?? null;
  };
  if (!all.some((_, i) => dirAt(i) !== null)) throw failure;
  let seq = 0;
  return {
    write(payload) {
      const { parts } = payloadParts(payload);
      for (let i = 0; i < all.length; i++) {
        const dir = dirAt(i);
        if (dir === null) continue;
        const file = path.join(dir, `${++seq}.dat`);
        try {
          writeFile(file, parts);
          return file;
        } catch (err) {
          failure = err;
        }
      }
      throw failure;
    },
    release(file) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone; dispose() sweeps the directory anyway.
      }
    },
    dispose() {
      for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
