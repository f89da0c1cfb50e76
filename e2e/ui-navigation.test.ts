import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { cli } from "./harness";
import { demoSessions, E2E_PASSWORD, E2E_TENANT as TENANT, SHOTS, type E2eRole } from "./world";

const demo = demoSessions();

const ALL = ["Overview", "Workflows", "Exceptions", "Runs", "Sources", "Compliance", "Alerts", "Settings"];
const VIEWER = ["Overview", "Workflows", "Exceptions", "Runs", "Sources", "Compliance", "Alerts"];
// Written out by hand from issue 25: each role's first page and the views its role may open.
const EXPECTED: Record<E2eRole, { landing: string; nav: string[] }> = {
  executive: { landing: "/overview", nav: VIEWER },
  ops: { landing: "/exceptions", nav: VIEWER },
  engineer: { landing: "/sources", nav: ["Sources"] },
  admin: { landing: "/overview", nav: ALL },
};

const navLabels = (page: Page) => page.locator('nav[aria-label="Main"] a').allTextContents();

/**
 * Opens `route` as `role` and waits only for `selector`: the sidebar is streamed before the page's
 * numbers (loading.tsx), so these checks need not wait for a cold overview on a loaded machine.
 */
async function visit(role: E2eRole, route: string, selector: string): Promise<Page> {
  const page = await (await demo.session(role)).newPage();
  await page.goto(`${demo.world.url}${route}`, { waitUntil: "commit", timeout: 200_000 });
  await page.waitForSelector(selector, { timeout: 200_000 });
  return page;
}
const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe("navigation and time controls", { timeout: 240_000 }, () => {
  it("lands each role on its own first page and shows only the views it may open", async () => {
    for (const role of Object.keys(EXPECTED) as E2eRole[]) {
      const page = await visit(role, "/", 'nav[aria-label="Main"] a');
      expect(new URL(page.url()).pathname, role).toBe(EXPECTED[role].landing);
      expect(await navLabels(page), role).toEqual(EXPECTED[role].nav);
      await page.close();
    }
  });

  it("names in the sidebar the tenant the page shows, with the role held there", async () => {
    const other = `nav-${randomUUID().slice(0, 8)}`;
    const email = `${other}@navigation.test`;
    const passwordFile = path.join(demo.world.dataDir, "password.txt");
    cli(demo.world.dataDir, ["tenants", "create", other, "--name", "Navigation Second Firm"]);
    cli(demo.world.dataDir, ["users", "create", "--email", email, "--role", "executive", "--tenant", TENANT, "--password-file", passwordFile]);
    cli(demo.world.dataDir, ["users", "create", "--email", email, "--role", "engineer", "--tenant", other, "--password-file", passwordFile]);
    const context = await demo.browser().newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${demo.world.url}/sign-in`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', E2E_PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/sign-in")), page.click('button:has-text("Sign in")')]);
    await page.goto(`${demo.world.url}/sources?tenant=${other}`);
    expect(await page.textContent('[data-testid="tenant-shown"]')).toBe("Navigation Second Firm · engineer");
    expect(await navLabels(page)).toEqual(["Sources"]);
    // A nav link keeps the tenant the page shows.
    expect(await page.getAttribute('nav[aria-label="Main"] a', "href")).toBe(`/sources?tenant=${other}`);
    await page.goto(`${demo.world.url}/overview?tenant=${TENANT}`);
    expect(await page.textContent('[data-testid="tenant-shown"]')).toMatch(/ · executive$/);
    expect(await page.textContent('[data-testid="tenant-shown"]')).not.toContain("Navigation Second Firm");
    expect(await navLabels(page)).toEqual(VIEWER);
    await context.close();
  });

  it("puts a preset's window in the URL and shows the days it covers", async () => {
    const page = await demo.open("executive", `/overview?tenant=${TENANT}`, "overview-presets");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("range") === "7d"), page.click('nav[aria-label="Date presets"] a:has-text("7 days")')]);
    // 7 days ending today (UTC), both ends inclusive.
    await expect.poll(() => page.textContent('[data-testid="window-applied"]')).toContain(`${utcDay(6)} – ${utcDay(0)}`);
    expect(new URL(page.url()).searchParams.get("tenant")).toBe(TENANT);
    await page.click('label:has-text("Compare with previous period") input');
    await page.waitForURL((u) => u.searchParams.get("compare") === "1");
    // The previous 7 days end the day before the window starts.
    await expect.poll(() => page.textContent('[data-testid="window-applied"]')).toContain(`compared with ${utcDay(13)} – ${utcDay(7)}`);
    // The tiles carry the previous period's value (or "Unknown"), one per compared tile.
    await page.waitForSelector('[data-testid="tile-exception-rate"] [data-testid="tile-previous"]', { timeout: 200_000 });
    expect(await page.textContent('[data-testid="tile-exception-rate"] [data-testid="tile-previous"]')).toMatch(/previous (\d|Unknown)/);
    await page.screenshot({ path: path.join(SHOTS, "overview-compare-executive.png"), fullPage: true });
    await page.close();
  });

  it("refuses an inverted range with a message on the page and in the procedure", async () => {
    const from = utcDay(3);
    const to = utcDay(10);
    const page = await visit("executive", `/sources?tenant=${TENANT}&from=${from}&to=${to}`, '[data-testid="window-problem"]');
    await page.screenshot({ path: path.join(SHOTS, "sources-inverted-range-executive.png"), fullPage: true });
    expect(await page.textContent('[data-testid="window-problem"]')).toContain(`From (${from}) is after To (${to})`);
    // The page falls back to the default 30 days ending today rather than showing an empty window.
    expect(await page.textContent('[data-testid="window-applied"]')).toContain(`${utcDay(29)} – ${utcDay(0)}`);
    const res = await (await demo.session("executive")).request.get(
      `${demo.world.url}/api/trpc/overview.summary?input=${encodeURIComponent(JSON.stringify({ tenant: TENANT, from, to }))}`,
    );
    expect(res.status()).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(`From (${from}) is after To (${to}): pick a start on or before the end.`);
    await page.close();
  });

  it("shows a validation error as a sentence naming the field, not zod's JSON", async () => {
    const res = await (await demo.session("executive")).request.get(
      `${demo.world.url}/api/trpc/overview.summary?input=${encodeURIComponent(JSON.stringify({ tenant: TENANT, from: "31/12/2025" }))}`,
    );
    expect(res.status()).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("from: use a date written YYYY-MM-DD.");
  });

  it("answers an unknown workflow with the not-found page and HTTP 404", async () => {
    const route = `/workflows/no-such-workflow-${randomUUID().slice(0, 6)}?tenant=${TENANT}`;
    const res = await (await demo.session("executive")).request.get(`${demo.world.url}${route}`);
    expect(res.status()).toBe(404);
    const page = await demo.open("executive", route, "workflow-unknown");
    expect(await page.textContent("body")).toContain("could not be found");
    expect(await page.locator('[data-testid="tile-compression"]').count()).toBe(0);
    await page.close();
  });

  it("serves the favicon and the icon with their image types", async () => {
    const ico = await fetch(`${demo.world.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get("content-type")).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    const svg = await fetch(`${demo.world.url}/icon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    const page = await demo.open("executive", `/overview?tenant=${TENANT}`, "overview-icon");
    expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);
    await page.close();
  });
});
