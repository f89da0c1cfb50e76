import type { Db } from "./client";

/**
 * Small reads that every request repeats (who the user is in a tenant, the tenant's scorecard
 * fingerprint) remembered for a moment, and forgotten the moment this process writes a table they
 * read. A page makes a dozen procedure calls, and each resolved the same access and read the same
 * fingerprint: 19 fingerprint reads and 35 access reads for one overview, most of its server time.
 *
 * - Every write this process makes through the store (insert, raw insert, statement) counts against
 *   the table it names; a statement whose table cannot be told counts against every table.
 * - A remembered read is served while none of its tables was written since it started and it is
 *   younger than its time to live. The time to live bounds what this process cannot see: writes by
 *   another process on a shared ClickHouse server (docs/design.md, "Remembered reads").
 * - A read that fails is not remembered.
 *
 * State lives on globalThis: Next bundles its own copies of these modules beside the server's.
 */
interface Remembered {
  epoch: number;
  at: number;
  value: Promise<unknown>;
}
interface State {
  handles: WeakMap<Db, number>;
  nextHandle: number;
  writes: Map<string, number>;
  everything: number;
  memo: Map<string, Remembered>;
}
const KEY = Symbol.for("plumbline.read-memo");
const g = globalThis as typeof globalThis & { [KEY]?: State };
const state = (): State => (g[KEY] ??= { handles: new WeakMap(), nextHandle: 0, writes: new Map(), everything: 0, memo: new Map() });

/**
 * The usual times to live. A moment: what one page's procedure calls share (who the member is, the
 * tenant's fingerprint); the longest a write by another process to an access table goes unseen. A
 * minute: views read alike by the pages that follow (the runs list, a run, a drill-down, a metric
 * computed when asked).
 */
export const MOMENT_MS = 1000;
export const SHARED_MS = 60_000;

/** More keys than this and the oldest half is dropped: one key per user and tenant in use. */
const MAX_KEYS = 5000;

/** Records a write to `table` (or, with undefined, to any table). */
export function noteWrite(table: string | undefined): void {
  const s = state();
  if (table === undefined) s.everything++;
  else s.writes.set(table, (s.writes.get(table) ?? 0) + 1);
}

function epochOf(tables: readonly string[]): number {
  const s = state();
  let sum = s.everything;
  for (const t of tables) sum += s.writes.get(t) ?? 0;
  return sum;
}

/**
 * `read()`'s result, shared with every call on the same store handle under the same key while none of
 * `tables` was written and it is younger than `ttlMs`. `now` is the clock (tests pass their own).
 */
export function memoRead<T>(db: Db, name: string, tables: readonly string[], ttlMs: number, read: () => Promise<T>, now = Date.now()): Promise<T> {
  const s = state();
  let handle = s.handles.get(db);
  if (handle === undefined) s.handles.set(db, (handle = ++s.nextHandle));
  const key = `${handle}|${name}`;
  const epoch = epochOf(tables);
  const hit = s.memo.get(key);
  if (hit && hit.epoch === epoch && now - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = read();
  const entry = { epoch, at: now, value };
  if (s.memo.size >= MAX_KEYS) for (const k of [...s.memo.keys()].slice(0, MAX_KEYS / 2)) s.memo.delete(k);
  s.memo.set(key, entry);
  value.catch(() => {
    if (s.memo.get(key) === entry) s.memo.delete(key);
  });
  return value;
}

/** Forgets every remembered read: a benchmark timing what another process or a restart would read. */
export function forgetRemembered(): void {
  state().memo.clear();
}

const TARGET = /^\s*(?:INSERT\s+INTO|ALTER\s+TABLE|TRUNCATE\s+TABLE(?:\s+IF\s+EXISTS)?|DELETE\s+FROM|OPTIMIZE\s+TABLE)\s+(?!FUNCTION\b)([A-Za-z_][\w.]*)/i;

/** The table a statement writes, or undefined when it cannot be told (DDL, anything else). */
export function writtenTable(sql: string): string | undefined {
  const name = TARGET.exec(sql.replaceAll("`", ""))?.[1];
  return name?.split(".").pop();
}

/** The handle with every write counted (see above). */
export function withWriteTracking(db: Db): Db {
  return {
    ...db,
    async command(sql, params) {
      try {
        await db.command(sql, params);
      } finally {
        // A SELECT run as a statement writes nothing; anything else names its table or counts against all.
        if (!/^\s*(SELECT|WITH)\b/i.test(sql)) noteWrite(writtenTable(sql));
      }
    },
    async insert(table, rows, options) {
      try {
        await db.insert(table, rows, options);
      } finally {
        noteWrite(table);
      }
    },
    async insertRaw(table, payload, format, options) {
      try {
        await db.insertRaw(table, payload, format, options);
      } finally {
        noteWrite(table);
      }
    },
  };
}
