import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AnomalyMarker } from "@/server/alerts/anomaly-markers";
import { demoSessions, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();
const WORKFLOW = "records-requests";

describe("anomalies in the browser (issue 27)", { timeout: 300_000 }, () => {
  it("marks the demo's bad week of exceptions on the workflow page's weekly chart and the overview trend", async () => {
    const markers = await demo.query<AnomalyMarker[]>("ops", "anomalies.markers", { tenant: TENANT, workflow: WORKFLOW });
    expect(markers.length).toBeGreaterThan(0);
    const page = await demo.open("ops", `/workflows/${WORKFLOW}?tenant=${TENANT}`, "anomaly-workflow");
    await page.waitForSelector('[data-testid="weekly-exception-rate"] .recharts-reference-line');
    // One "A" line per week with an anomaly, and each anomaly spelled out beneath the chart.
    expect(await page.locator('[data-testid="weekly-exception-rate"] .recharts-reference-line').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="anomaly-marker"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-date")))).toEqual(markers.map((m) => m.date));
    expect(await page.locator('[data-testid="anomaly-marker"]').first().textContent()).toContain("exception rate");

    const overview = await demo.open("executive", `/overview?tenant=${TENANT}`, "anomaly-overview");
    await overview.waitForSelector('[data-testid="progress-charts"] [data-testid="anomaly-marker"]');
    expect(await overview.locator('[data-testid="progress-charts"] [data-testid="anomaly-marker"]', { hasText: WORKFLOW }).count()).toBeGreaterThan(0);
  });

  it("creates an anomaly rule in the form, refuses an impossible persistence first, and shows its band and the observed value", async () => {
    const page = await demo.open("admin", `/alerts?tenant=${TENANT}`, "anomaly-alerts");
    const name = `Records anomaly ${Date.now()}`;
    await page.fill("#new-name", name);
    await page.selectOption("#new-kind", "anomaly");
    await page.selectOption("#new-series", "exception-rate");
    await page.selectOption("#new-workflow", WORKFLOW);
    await page.fill("#new-persistK", "4");
    await page.fill("#new-persistN", "3");
    await page.click('button:has-text("Create rule")');
    await page.waitForSelector('[data-testid="new-persistN-error"]');
    expect(await page.textContent('[data-testid="new-persistN-error"]')).toContain("cannot exceed n");

    await page.fill("#new-persistK", "2");
    await page.click('button:has-text("Create rule")');
    await page.waitForSelector(`text=Created "${name}".`);
    await page.screenshot({ path: path.join(SHOTS, "anomaly-rule-created-admin.png"), fullPage: true });
    const link = page.locator(`a:has-text("${name}")`);
    await link.waitFor();
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/alerts\/rules\/[0-9a-f-]{36}\?tenant=/);

    const rulePage = await demo.open("admin", href!, "anomaly-rule");
    await rulePage.waitForSelector('[data-testid="anomaly-band-chart"] .recharts-area');
    expect(await rulePage.locator('[data-testid="anomaly-band-chart"] .recharts-line').count()).toBe(1);
    expect(await rulePage.textContent('[data-testid="anomaly-band-latest"]')).toMatch(/observed \d+(\.\d+)?%, expected \d+(\.\d+)?%–\d+(\.\d+)?%/);
    // The bad week's days outside the band are dotted on the line.
    expect(await rulePage.locator('[data-testid="anomaly-day"]').count()).toBeGreaterThan(0);
    await rulePage.screenshot({ path: path.join(SHOTS, "anomaly-rule-band-admin.png"), fullPage: true });
  });
});
