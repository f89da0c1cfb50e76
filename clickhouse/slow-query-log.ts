import type { Db } from "./client";

/**
 * With `PLUMBLINE_SLOW_QUERY_MS=<n>`, every query and row insert that takes n ms or more is written to
 * stderr as one JSON line: its time, its row count and the SQL's first 160 characters. It is how a
 * slow page is taken apart (docs/operations.md, configuration reference); without the variable the
 * handle is returned as it is and costs nothing.
 */
export function withSlowQueryLog(db: Db, thresholdMs: number | undefined, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Db {
  if (thresholdMs === undefined || !Number.isFinite(thresholdMs) || thresholdMs < 0) return db;
  return {
    ...db,
    async query(sql, params, row) {
      const t0 = performance.now();
      const rows = await db.query(sql, params, row);
      const ms = performance.now() - t0;
      if (ms >= thresholdMs) write(JSON.stringify({ slow_query_ms: Math.round(ms), rows: rows.length, sql: describe(sql) }));
      return rows;
    },
    async insert(table, rows, options) {
      const t0 = performance.now();
      await db.insert(table, rows, options);
      const ms = performance.now() - t0;
      if (ms >= thresholdMs) write(JSON.stringify({ slow_query_ms: Math.round(ms), rows: rows.length, sql: `INSERT INTO ${table}` }));
    },
  };
}

/** The statement in a few words: its first 160 characters, whitespace folded, enough to find it. */
function describe(sql: string): string {
  return sql.replace(/\s+/g, " ").trim().slice(0, 160);
}
