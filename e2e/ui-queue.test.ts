import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import path from "node:path";
import { QUEUE_PAGE_SIZE } from "@/app/(dashboard)/exceptions/page-size";
import { demoSessions, E2E_TENANT as TENANT, e2eEmail, SHOTS } from "./world";

/**
 * The exception queue people work in (issue 25): pages by cursor, "assigned to me" after an assignment
 * picked from the members, bulk acknowledge, run ids that lead to the run page, and one stale-source
 * banner per page. Other files use the same demo server at the same time: this one acts only on rows
 * it picks from the middle of the queue, never the first row another file acknowledges.
 */
const demo = demoSessions();

type Item = { run_id: string; workflow: string; state: string; assignee: string };
const rowIds = (page: Page) => page.locator('[data-testid="exception-queue"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run") ?? ""));
/** Opens a page and waits for its server-rendered HTML only (not network idle, which a loaded machine may not reach), then saves a screenshot. */
async function load(route: string, shot: string): Promise<Page> {
  const page = await (await demo.session("ops")).newPage();
  page.setDefaultTimeout(180_000);
  await page.goto(`${demo.world.url}${route}`, { waitUntil: "load" });
  await page.screenshot({ path: path.join(SHOTS, `${shot}-ops.png`), fullPage: true });
  return page;
}
const row = (page: Page, runId: string) => page.locator(`[data-testid="exception-queue"] tr[data-run="${runId}"]`);

describe("the exception queue", { timeout: 900_000 }, () => {
  it("pages through the queue by cursor, a page of one-line rows at a time, and back to the first page", async () => {
    const all = await demo.query<{ items: number }>("ops", "exceptions.count", { tenant: TENANT, states: ["new", "acknowledged", "assigned", "resolved"] });
    const page = await demo.open("ops", `/exceptions?tenant=${TENANT}&state=all`, "exceptions-queue");
    const first = await rowIds(page);
    expect(first.length).toBe(Math.min(QUEUE_PAGE_SIZE, all.items));
    expect(all.items, "the demo queue holds more than one page").toBeGreaterThan(QUEUE_PAGE_SIZE);
    // Each row is one line: the first row's run id and its SLA text sit on the same line.
    const heights = await page.locator('[data-testid="exception-queue"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(2 * Math.min(...heights));
    await Promise.all([page.waitForURL((u) => u.searchParams.has("after")), page.click('[data-testid="queue-pager"] a:has-text("Next page")')]);
    await page.waitForLoadState("networkidle");
    const second = await rowIds(page);
    expect(second.length).toBe(Math.min(QUEUE_PAGE_SIZE, all.items - QUEUE_PAGE_SIZE));
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await Promise.all([page.waitForURL((u) => !u.searchParams.has("after")), page.click('[data-testid="queue-pager"] a:has-text("First page")')]);
    await page.waitForLoadState("networkidle");
    expect(await rowIds(page)).toEqual(first);
    await page.close();
  });

  it("assigns from the member select, then shows the row under 'assigned to me'", async () => {
    const page = await demo.open("ops", `/exceptions?tenant=${TENANT}&state=new`, "exceptions-queue-new");
    const ids = await rowIds(page);
    const runId = ids[Math.min(10, ids.length - 1)]!;
    await row(page, runId).locator('button:has-text("Assign")').click();
    const options = await row(page, runId).locator("select[name=assignee] option").evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    // The demo's members who act on the queue: ops and admin; the executive and the engineer may not take it.
    expect(options).toContain(e2eEmail("ops"));
    expect(options).toContain(e2eEmail("admin"));
    expect(options).not.toContain(e2eEmail("executive"));
    expect(options).not.toContain(e2eEmail("engineer"));
    await row(page, runId).locator("select[name=assignee]").selectOption(e2eEmail("ops"));
    await Promise.all([page.waitForResponse((r) => r.url().includes("exceptions.assign") && r.ok()), row(page, runId).locator('button[type="submit"]').click()]);
    await page.goto(`${demo.world.url}/exceptions?tenant=${TENANT}`);
    await page.selectOption('select[name="mine"]', "1");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("mine") === "1"), page.click('form[aria-label="Filters"] button[type="submit"]')]);
    await page.waitForLoadState("networkidle");
    const mine = await rowIds(page);
    expect(mine).toContain(runId);
    const assignees = await page.locator('[data-testid="exception-queue"] tbody tr td:nth-child(8)').allTextContents();
    expect(new Set(assignees)).toEqual(new Set([e2eEmail("ops")]));
    await page.screenshot({ path: path.join(SHOTS, "exceptions-assigned-to-me-ops.png"), fullPage: true });
    await page.close();
  });

  it("acknowledges two selected rows at once and reports each", async () => {
    const page = await load(`/exceptions?tenant=${TENANT}&state=new`, "exceptions-bulk");
    const ids = await rowIds(page);
    const picked = [ids[Math.min(20, ids.length - 2)]!, ids[Math.min(21, ids.length - 1)]!];
    for (const id of picked) await row(page, id).locator('input[type="checkbox"]').check();
    await Promise.all([page.waitForResponse((r) => r.url().includes("exceptions.acknowledgeMany") && r.ok()), page.click('button:has-text("Acknowledge selected (2)")')]);
    await expect.poll(() => page.textContent('[data-testid="bulk-result"]')).toContain("Acknowledged 2 of 2.");
    const items = await demo.query<Item[]>("ops", "exceptions.list", { tenant: TENANT, states: ["acknowledged"], limit: 2000 });
    expect(picked.every((id) => items.some((i) => i.run_id === id))).toBe(true);
    await page.close();
  });

  it("opens the run page from a queue row", async () => {
    const page = await demo.open("ops", `/exceptions?tenant=${TENANT}&state=all`, "exceptions-run-link");
    const link = page.locator('[data-testid="exception-queue"] tbody tr [data-testid="run-link"]').nth(3);
    const runId = (await link.textContent())!;
    const workflow = (await page.locator(`tr[data-run="${runId}"] td:nth-child(3)`).textContent())!;
    const href = await link.getAttribute("href");
    expect(href).toBe(`/runs/${encodeURIComponent(runId)}?tenant=${TENANT}&workflow=${encodeURIComponent(workflow)}`);
    const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === `/runs/${encodeURIComponent(runId)}`), link.click()]);
    await page.waitForURL((u) => u.pathname === `/runs/${encodeURIComponent(runId)}`);
    // The run page is another engineer's: when this build has it, its heading names the run.
    if (response.status() === 200 && (await page.locator("h1").count()) > 0) expect(await page.locator("h1").first().textContent()).toContain(runId);
    await page.close();
  });

  it("names the stale sources in one banner per page, and badges no tile with a source the banner does not name", async () => {
    const sources = await demo.query<{ freshness: { sources: { source: string; breach: boolean | null }[] } }>("ops", "sources.list", { tenant: TENANT });
    const stale = sources.freshness.sources.filter((s) => s.breach === true).map((s) => s.source).sort();
    const first = (await demo.query<{ workflow: string }[]>("ops", "workflows.list", { tenant: TENANT }))[0]!.workflow;
    for (const [route, shot] of [[`/overview?tenant=${TENANT}`, "stale-overview"], [`/exceptions?tenant=${TENANT}`, "stale-exceptions"], [`/compliance?tenant=${TENANT}`, "stale-compliance"], [`/workflows/${encodeURIComponent(first)}?tenant=${TENANT}`, "stale-workflow"]] as const) {
      const page = await load(route, shot);
      const banners = page.locator('[data-testid="stale-sources-banner"]');
      expect(await banners.count(), route).toBeLessThanOrEqual(1);
      const named = await banners.locator("[data-source]").evaluateAll((e) => e.map((x) => x.getAttribute("data-source") ?? ""));
      expect(new Set(named).size, `${route}: each stale source once`).toBe(named.length);
      // A workflow's page names the stale sources that feed it; the firm-wide pages name them all.
      if (route.startsWith("/workflows")) expect(named.every((s) => stale.includes(s)), route).toBe(true);
      else expect(named.sort(), route).toEqual(stale);
      const badged = await page.locator('[data-testid="freshness-badge"]').evaluateAll((e) => e.flatMap((x) => (x.getAttribute("data-sources") ?? "").split(", ")));
      expect(badged.every((s) => stale.includes(s)), route).toBe(true);
      await page.close();
    }
  });
});
