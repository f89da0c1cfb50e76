import type { Db } from "./client";
import { openEmbedded } from "./chdb-client";
import { openServer } from "./server-client";
import { withWriteTracking } from "./read-memo";
import { withSlowQueryLog } from "./slow-query-log";

export type StoreConfig =
  | { kind: "embedded"; dataDir: string; extraArgs?: readonly string[]; slowQueryMs?: number }
  | { kind: "server"; url: string; username?: string; password?: string; database?: string; cluster?: string; slowQueryMs?: number };

interface Holder {
  config: StoreConfig;
  db: Promise<Db>;
}

// One handle per process, shared by every module copy (Next bundles its own copies of our modules,
// the custom server and the CLI load others): chDB allows one data directory per process.
const KEY = Symbol.for("plumbline.store");
type GlobalWithStore = typeof globalThis & { [KEY]?: Holder };
const g = globalThis as GlobalWithStore;

/** Opens the store lazily, once per process; later calls return the same handle. */
export function getStore(config: StoreConfig): Promise<Db> {
  const held = g[KEY];
  if (held) return held.db;
  const opened = config.kind === "embedded" ? openEmbedded(config) : Promise.resolve(openServer(config));
  const db = opened.then((d) => withSlowQueryLog(withWriteTracking(d), config.slowQueryMs));
  g[KEY] = { config, db };
  db.catch(() => {
    // A failed open must not poison the process: the next call tries again.
    if (g[KEY]?.db === db) delete g[KEY];
  });
  return db;
}

/** True when this process has already opened (or is opening) the store. */
export function storeIsOpen(): boolean {
  return g[KEY] !== undefined;
}

/** Closes the process-wide handle after pending work drains. */
export async function closeStore(): Promise<void> {
  const held = g[KEY];
  if (!held) return;
  delete g[KEY];
  const db = await held.db.catch(() => null);
  await db?.close();
}
