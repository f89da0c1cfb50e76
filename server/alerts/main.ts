import { awaitSchema } from "@/clickhouse/schema-ready";
import { closeStore, getStore } from "@/clickhouse/store";
import { env, storeConfig } from "@/server/env";
import { startAlerts } from "./start-alerts";

/**
 * `npm run alerts`: the evaluator as its own process, for server mode (CLICKHOUSE_URL set) with the
 * web process started with PLUMBLINE_ALERTS=0. Several may run; one holds the lease, the rest stand by.
 * It never migrates: it waits for the schema the web process writes (PLUMBLINE_SCHEMA_WAIT_SECONDS).
 */
async function main(): Promise<void> {
  const e = env();
  const config = storeConfig(e);
  const log = (line: string) => console.log(`[alerts] ${line}`);
  const db = await getStore(config);
  // Only the web process (or `plumbline migrate`) migrates; two processes applying DDL at once race.
  await awaitSchema(db, { timeoutMs: e.PLUMBLINE_SCHEMA_WAIT_SECONDS * 1000, who: "the alerts process", log });
  const runtime = startAlerts(db, e, { log });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await runtime.stop();
    await closeStore();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch(async (err: unknown) => {
  console.error(`[alerts] could not start: ${err instanceof Error ? err.message : String(err)}`);
  await closeStore().catch(() => undefined);
  process.exit(1);
});
