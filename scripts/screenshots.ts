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
} finally {
  await dashboard.close();
}
