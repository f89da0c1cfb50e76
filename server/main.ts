import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import next from "next";
import type { Db } from "@/clickhouse/client";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { lastTwelveMonths, rememberedBusinessOutcomes } from "@/metrics/business-outcomes-report";
import { createIngestService, ingestOptions, keepAliveForRetries, listenOrLog, otlpHttpServer } from "@/ingest/otlp/ingest-service";
import { startAlerts } from "./alerts/start-alerts";
import { anomalyMarkers } from "./alerts/anomaly-markers";
import { startScorecardsAhead } from "./scorecards/scheduler";
import { scorecard } from "./scorecards/scorecard";
import { cliHandler } from "./cli/remote-handler";
import { advertiseServer, withdrawServer, type ServerAdvert } from "./cli/remote";
import { stampClientIp, trustedProxies } from "./auth/client-ip";
import { ensureFirstAdmin } from "./auth/first-admin";
import { ensureDemo } from "./demo/load";
import { env, storeConfig } from "./env";
import { onShutdown, runShutdownHooks } from "./lifecycle";
import { applyRetention, retentionConfig } from "./retention";
import { serveWeb, setHeaders } from "./node-adapter";
import { matchRoute, type NodeRoutes } from "./node-routes";
import { isDataPath, nodeSecurityHeaders } from "./security-headers";

const log = (line: string) => console.log(`[plumbline] ${line}`);

/** What has been started so far; a signal during start-up closes just that. */
const running: { server?: http.Server; withdraw?: () => void } = {};
let stoppingSince = 0;

async function stop(signal: string): Promise<void> {
  if (stoppingSince) {
    // Ctrl-C reaches both `npm start`'s launcher (which forwards it) and this process: ignore echoes.
    if (Date.now() - stoppingSince < 3000) return;
    log(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  log(`${signal}: draining and closing the store`);
  running.server?.close();
  running.server?.closeIdleConnections();
  await runShutdownHooks();
  running.withdraw?.();
  await closeStore();
  log("stopped cleanly");
  process.exit(0);
}

/** Next's build id; "" when there is no build (Next's own start-up then says so). */
function buildId(root: string): string {
  try {
    return readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * The embedded-mode process (`npm start`): opens the store, migrates, loads the demo tenant into an
 * empty store, then serves the dashboard and the machine endpoints on one port. Any failure before
 * listening exits non-zero with the reason, so the server never runs half-migrated.
 */
async function main(): Promise<void> {
  // Registered first, so a signal at any point of start-up drains and closes the store too.
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  const e = env();
  const config = storeConfig(e);
  const db = await getStore(config);
  log(`store: ${config.kind === "embedded" ? `embedded ClickHouse at ${config.dataDir}` : `ClickHouse server ${config.url}`}`);
  const m = await migrate(db, { cluster: e.CLICKHOUSE_CLUSTER, log });
  log(`schema: ${m.applied.length} applied, ${m.total} total`);
  await applyRetention(db, retentionConfig(e), log);
  if (e.PLUMBLINE_DEMO) await ensureDemo(db, { log });
  await ensureFirstAdmin(db, { origin: `http://localhost:${e.PORT}`, log });

  const root = path.resolve(import.meta.dirname, "..");
  const app = next({ dev: false, dir: root, hostname: "localhost", port: e.PORT });
  // Slow scorecards (milestones first) computed ahead, the first pass while Next prepares, so the
  // first pages read them instead of waiting: docs/design.md, "Scorecards computed ahead".
  const version = buildId(root);
  // The overview's anomaly markers too (a daily series per workflow and series, each a scorecard), and
  // its business outcomes over the default year.
  const atStart = (d: Db, tenantId: string) =>
    Promise.all([anomalyMarkers(d, scorecard, { tenantId, workflows: null }, new Date()), rememberedBusinessOutcomes(d, { tenantId, ...lastTwelveMonths() })]);
  const [scorecards] = await Promise.all([startScorecardsAhead(db, { version, log, atStart }), app.prepare()]);
  onShutdown("scorecards", scorecards.stop);
  const nextHandler = app.getRequestHandler();

  let advert: ServerAdvert | undefined;
  const origin = `http://localhost:${e.PORT}`;
  // OTLP at the standard paths, so OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:3000 just works.
  const ingest = createIngestService(db, ingestOptions(e, config.kind === "embedded" ? config.dataDir : undefined));
  onShutdown("ingest writer", () => ingest.writer.drain());
  const routes: NodeRoutes = new Map([["/internal/cli", cliHandler(() => advert)], ...ingest.routes]);
  const handlers = new Map([...routes].map(([p, h]) => [p, serveWeb(h, origin)]));

  trustedProxies(); // a malformed PLUMBLINE_TRUSTED_PROXIES stops start-up instead of trusting less
  const dataHeaders = nodeSecurityHeaders({ authUrl: e.AUTH_URL, data: true });
  const pageHeaders = nodeSecurityHeaders({ authUrl: e.AUTH_URL, data: false });
  // OTLP senders retry refusals on the connections they keep: see keepAliveForRetries.
  const server = keepAliveForRetries(http.createServer((req, res) => {
    stampClientIp(req);
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const own = matchRoute(routes, req.url) ? handlers.get(pathname) : undefined;
    setHeaders(res, own || isDataPath(pathname) ? dataHeaders : pageHeaders);
    if (own) return void own(req, res);
    void nextHandler(req, res);
  }));
  running.server = server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(e.PORT, e.HOST, () => resolve());
  });
  if (config.kind === "embedded") {
    const ad = advertiseServer(config.dataDir, e.PORT);
    advert = ad;
    running.withdraw = () => withdrawServer(config.dataDir, ad);
  }
  if (e.PLUMBLINE_OTLP_PORT) {
    const otlp = otlpHttpServer(ingest.routes);
    // Before the receiver's own listener, so its answers (refusals included) carry them too.
    otlp.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => setHeaders(res, dataHeaders));
    if (await listenOrLog(otlp, e.PLUMBLINE_OTLP_PORT, e.HOST, log)) log(`OTLP/HTTP also on port ${e.PLUMBLINE_OTLP_PORT}`);
    onShutdown("OTLP port", async () => void otlp.close());
  }
  log(`ready on ${origin}`);
  if (e.PLUMBLINE_ALERTS && !stoppingSince) onShutdown("alerts", startAlerts(db, e).stop);
}

main().catch(async (err: unknown) => {
  if (stoppingSince) return; // a signal interrupted start-up; stop() finishes the job
  console.error(`[plumbline] could not start: ${err instanceof Error ? err.message : String(err)}`);
  await closeStore().catch(() => undefined);
  process.exit(1);
});
