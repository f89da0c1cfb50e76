import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { env, storeConfig } from "@/server/env";
import { createIngestService, ingestOptions, otlpHttpServer } from "./otlp/ingest-service";

/**
 * `npm run ingest`: the OTLP/HTTP receiver as its own process, the same handler the dashboard
 * process serves. With CLICKHOUSE_URL it is stateless — run several side by side behind a load
 * balancer (they share PLUMBLINE_SECRET; retries are deduplicated through the store, not in memory).
 * Embedded, it owns the data directory (chDB allows one process per directory), so the dashboard
 * must not run on the same one.
 */
async function main(): Promise<void> {
  const e = env();
  const config = storeConfig(e);
  const log = (line: string) => console.log(`[ingest] ${line}`);
  if (e.PLUMBLINE_OTLP_PORT === 0) throw new Error("PLUMBLINE_OTLP_PORT is 0: the ingest process needs a port to listen on");
  const db = await getStore(config);
  // Server mode expects a migrated store (`plumbline migrate`): several ingest processes starting at
  // once must not race on DDL. The embedded store is this process's own.
  if (config.kind === "embedded") await migrate(db, { cluster: e.CLICKHOUSE_CLUSTER });
  const service = createIngestService(db, ingestOptions(e, config.kind === "embedded" ? config.dataDir : undefined));
  const server = otlpHttpServer(service.routes);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(e.PLUMBLINE_OTLP_PORT, e.HOST, () => resolve());
  });
  log(`OTLP/HTTP on http://${e.HOST}:${e.PLUMBLINE_OTLP_PORT}/v1/traces, /v1/logs and /v1/metrics (store: ${config.kind})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: committing acknowledged work, then closing`);
    server.close();
    server.closeIdleConnections();
    await service.writer.drain();
    await closeStore();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch(async (err: unknown) => {
  console.error(`[ingest] could not start: ${err instanceof Error ? err.message : String(err)}`);
  await closeStore().catch(() => undefined);
  process.exit(1);
});
