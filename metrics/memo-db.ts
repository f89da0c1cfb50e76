import type { z } from "zod";
import type { Db, Params } from "@/clickhouse/client";

/**
 * A read-only view of the store that answers a repeated query (same SQL, same parameters) from the
 * first answer. Composite metrics (milestones) run the same sub-metrics at several dates, and every
 * run re-reads the same tenant settings, workflow settings and baseline locks; within one computation
 * those cannot differ, so reading them once is both faster and consistent. Writes are refused.
 */
export function memoizedReads(db: Db): Db {
  const view = memoizedView(db);
  readOnlyViews.add(view);
  return view;
}

const readOnlyViews = new WeakSet<Db>();

/**
 * True for a view made by `memoizedReads`: its creator brought what it reads up to date before making
 * it (the run facts, run-facts.ts), and nothing changes under it during the computation.
 */
export function isMemoizedView(db: Db): boolean {
  return readOnlyViews.has(db);
}

function memoizedView(db: Db): Db {
  const answers = new Map<string, Promise<unknown[]>>();
  const keyOf = (sql: string, params: Params) =>
    `${sql}\u0000${JSON.stringify(params, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
  const refuse = (): Promise<never> => Promise.reject(new Error("memoizedReads is read-only"));
  return {
    store: db.store,
    async query<S extends z.ZodType>(sql: string, params: Params, row: S): Promise<z.output<S>[]> {
      const key = keyOf(sql, params);
      let answer = answers.get(key);
      if (!answer) {
        answer = db.query(sql, params, row);
        answers.set(key, answer);
        // A failed read is not remembered: the next caller tries again.
        answer.catch(() => answers.delete(key));
      }
      // Callers get their own array; the rows are shared and treated as read-only by every metric.
      return ((await answer) as z.output<S>[]).slice();
    },
    // Streamed reads are not remembered: they exist for results too large to keep.
    stream: (sql, params) => db.stream(sql, params),
    command: refuse,
    insert: refuse,
    insertRaw: refuse,
    // The underlying store belongs to the caller.
    close: async () => undefined,
  };
}
