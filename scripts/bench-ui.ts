/**
 * UI benchmark (not a test): starts the real server on the demo data in a temp dir, signs in as an
 * executive in headless Chromium and measures, per page, the server's response time for the page
 * document, the first contentful paint and the client JavaScript loaded. Last line: one JSON object.
 *   npm run bench:ui            (BENCH_UI_RUNS=5 repetitions per page)
 */
import { openDemoDashboard } from "./demo-dashboard";

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const PAGES = ["overview", "workflows", "exceptions", "sources", "compliance"];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (v: number) => Math.round(v * 10) / 10;

const dashboard = await openDemoDashboard("executive");
const { context } = dashboard;
try {
  // cold = the first request (metric results not yet shared, see server/routers/cached-metric.ts);
  // the medians include it but mostly measure the warm path a second viewer gets.
  const results: Record<string, { server_ms_cold: number; server_ms: number; fcp_ms: number; client_js_kb: number }> = {};
  for (const name of PAGES) {
    const url = `${dashboard.url}/${name}?tenant=demo`;
    const serverMs: number[] = [];
    const fcp: number[] = [];
    let jsBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const res = await context.request.get(url);
      await res.body();
      serverMs.push(performance.now() - t0);
      const page = await context.newPage();
      let bytes = 0;
      page.on("response", (r) => {
        if (r.request().resourceType() === "script") void r.body().then((b) => (bytes += b.length), () => undefined);
      });
      await page.goto(url, { waitUntil: "networkidle" });
      fcp.push(await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN));
      jsBytes = bytes;
      await page.close();
    }
    results[name] = { server_ms_cold: round(serverMs[0] ?? NaN), server_ms: round(median(serverMs)), fcp_ms: round(median(fcp)), client_js_kb: round(jsBytes / 1024) };
    console.log(`${name}: server ${results[name].server_ms_cold} ms cold, ${results[name].server_ms} ms median, FCP ${results[name].fcp_ms} ms, client JS ${results[name].client_js_kb} KiB (uncompressed)`);
  }
  const overview = results.overview!;
  console.log(JSON.stringify({ bench: "ui", runs: RUNS, overview_server_ms_cold: overview.server_ms_cold, overview_server_ms: overview.server_ms, overview_fcp_ms: overview.fcp_ms, pages: results }));
} finally {
  await dashboard.close();
}
