/**
 * Issue 28, option 2 ("fewer parts per flush"), measured: what one flush's fixed statements cost the
 * engine, in CPU ms each (this process, engine included: chDB runs inside it), on an empty store.
 * No materialized view fires on an ingest insert any more (0150 dropped them all), so a traces flush
 * is: the ledger lookup (SELECT), one INSERT a table (`runs`, `steps`, `ingest_stats`, each a part),
 * then the ledger INSERT (a part). The small statements here are their fixed share; divide by a
 * flush's spans for µs a span.
 *
 * `node --import tsx scripts/bench-ingest-flush-cost.ts`; the last line is one JSON object.
 */
import { z } from "zod";
import { runScript, withScratchStore } from "./bench-scratch";

const STATEMENTS = 30;
const REQUESTS_PER_FLUSH = 20;

/** Mean CPU ms of `run(i)` over STATEMENTS calls, after three untimed. */
async function cpuMs(run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 1; i <= 3; i++) await run(-i);
  const c0 = process.cpuUsage();
  for (let i = 0; i < STATEMENTS; i++) await run(i);
  const c = process.cpuUsage(c0);
  return Number(((c.user + c.system) / STATEMENTS / 1000).toFixed(1));
}

async function main() {
  await withScratchStore("flush-cost", async (db) => {
    const keys = (i: number) => Array.from({ length: REQUESTS_PER_FLUSH }, (_, j) => `key-${i}-${j}`);
    const result = {
      ledger_select_ms: await cpuMs((i) =>
        db.query(
          `SELECT request_key FROM ingest_requests WHERE tenant_id IN {tenants:Array(String)} AND request_key IN {keys:Array(String)}`,
          { tenants: ["bench"], keys: keys(i) },
          z.object({ request_key: z.string() }),
        ),
      ),
      ledger_insert_ms: await cpuMs((i) =>
        db.insert("ingest_requests", keys(i).map((k) => ({ tenant_id: "bench", request_key: k, channel: "otlp-traces", rows: 512 })), { dedupToken: `ledger-${i}` }),
      ),
      ingest_stats_insert_ms: await cpuMs((i) =>
        db.insert("ingest_stats", [{ tenant_id: "bench", day: "2026-01-01", channel: "otlp-traces", source: "bench", reason: "", accepted: 512, rejected: 0 }], { dedupToken: `stats-${i}` }),
      ),
    };
    console.log(`[bench] CPU ms a statement: ledger SELECT ${result.ledger_select_ms}, ledger INSERT ${result.ledger_insert_ms}, one-row INSERT (a part) ${result.ingest_stats_insert_ms}`);
    console.log(JSON.stringify(result));
  });
}

runScript(main);
