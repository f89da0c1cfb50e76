/**
 * Screenshots for the README (not a test): the demo data, an admin signed in, headless Chromium at
 * 1280×900, one PNG per view into docs/screenshots/.
 *   node --import tsx scripts/screenshots.ts
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { openDemoDashboard } from "./demo-dashboard";

const VIEWS: [file: string, url: string][] = [
  ["overview", "/overview?tenant=demo"],
  ["workflow", "/workflows/client-intake?tenant=demo"],
  ["exceptions", "/exceptions?tenant=demo"],
  ["runs", "/runs?tenant=demo&workflow=client-intake&exception=true"],
  ["compliance", "/compliance?tenant=demo"],
];
const out = path.resolve(import.meta.dirname, "..", "docs", "screenshots");

const dashboard = await openDemoDashboard("admin");
try {
  const page = await dashboard.context.newPage();
  mkdirSync(out, { recursive: true });
  for (const [file, url] of VIEWS) {
    await page.goto(`${dashboard.url}${url}`, { waitUntil: "networkidle" });
    // A view that failed is no picture of Plumbline: stop rather than save it.
    const failed = await page.getByText(/could not be loaded|store is unavailable/).count();
    if (failed > 0) throw new Error(`${url} did not load; no screenshot saved`);
    await page.screenshot({ path: path.join(out, `${file}.png`) });
    console.log(`docs/screenshots/${file}.png: ${url}`);
  }
  // A run: the newest exception run of the list above, reached as a reader would, by its link.
  await page.goto(`${dashboard.url}/runs?tenant=demo&workflow=client-intake&exception=true`, { waitUntil: "networkidle" });
  const href = await page.locator('a[href^="/runs/"]').first().getAttribute("href");
  if (!href) throw new Error("no run to photograph");
  await page.goto(`${dashboard.url}${href}`, { waitUntil: "networkidle" });
  await page.screenshot({ path: path.join(out, "run.png") });
  console.log(`docs/screenshots/run.png: ${href}`);
} finally {
  await dashboard.close();
}
