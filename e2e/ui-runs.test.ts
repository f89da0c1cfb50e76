import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatter } from "@/app/components/format";
import type { RunPage } from "@/metrics/run-list";
import { demoSessions, E2E_PASSWORD, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();
const f = formatter("en-US");

/** The run count the runs page states in its heading ("1,234 runs"). */
const heading = (page: Page) => page.locator('[data-testid="runs"] h2').textContent();
const runIds = async (page: Page) => page.locator('[data-testid="run-link"]').allTextContents();

describe("the runs explorer on the demo tenant", { timeout: 300_000 }, () => {
  it("goes from a workflow's exception-rate tile to the runs it counted, and from there to a run's waterfall", async () => {
    // A workflow with an exception run in the default window (the runs API answers fast; the page computes the metrics).
    const some = await demo.query<RunPage>("executive", "runs.list", { tenant: TENANT, phase: "live", exception: true, limit: 1 });
    const workflow = some.runs[0]?.workflow;
    expect(workflow, "a demo workflow with exception runs").toBeDefined();
    const page = await demo.open("executive", `/workflows/${encodeURIComponent(workflow!)}?tenant=${TENANT}`, "workflow-drill");
    // The tile states the count it links to; the list behind the link holds exactly that many runs.
    const tile = (await page.locator('[data-testid="tile-exception-rate"]').textContent()) ?? "";
    const count = /([\d,]+) exception runs/.exec(tile)?.[1];
    expect(count, tile).toBeDefined();
    expect(Number(count!.replaceAll(",", ""))).toBeGreaterThan(0);
    await Promise.all([page.waitForURL((u) => u.pathname === "/runs"), page.click('[data-testid="tile-exception-rate-runs"]')]);
    await page.waitForSelector('[data-testid="runs-table"]');
    expect(await heading(page)).toBe(`${count} runs`);
    expect(new URL(page.url()).searchParams.get("exception")).toBe("true");
    // Every listed run is an exception run of that workflow.
    const cells = await page.locator('[data-testid="runs-table"] tbody tr td:nth-child(6)').allTextContents();
    expect(new Set(cells)).toEqual(new Set(["Yes"]));
    await page.screenshot({ path: path.join(SHOTS, "runs-list.png"), fullPage: true });

    const first = (await runIds(page))[0]!;
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/runs/")), page.locator('[data-testid="run-link"]').first().click()]);
    await page.waitForSelector('[data-testid="run-record"]');
    expect(await page.locator("h1").textContent()).toBe(`Run ${first}`);
    await expect(page.locator('[data-testid="run-summary"] dd[data-field="Exception"]').textContent()).resolves.toBe("Yes");
    const steps = await page.locator('[data-testid="waterfall-step"]').count();
    expect(steps).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="waterfall"]').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, "run-detail.png"), fullPage: true });
    await page.close();
  });

  it("leads from the rework and straight-through tiles to exactly the runs those rates counted", async () => {
    const some = await demo.query<RunPage>("executive", "runs.list", { tenant: TENANT, phase: "live", rework: true, limit: 1 });
    const workflow = some.runs[0]?.workflow;
    expect(workflow, "a demo workflow with reworked runs").toBeDefined();
    const detail = await demo.query<{ rework: { live: { rework_runs: number } } }>("executive", "workflowDetail.byName", { tenant: TENANT, workflow });
    expect(detail.rework.live.rework_runs).toBeGreaterThan(0);
    const page = await demo.open("executive", `/workflows/${encodeURIComponent(workflow!)}?tenant=${TENANT}`, "workflow-rework-drill");
    await Promise.all([page.waitForURL((u) => u.pathname === "/runs"), page.click('[data-testid="tile-rework"] a')]);
    await page.waitForSelector('[data-testid="runs"] h2');
    expect(new URL(page.url()).searchParams.get("rework")).toBe("true");
    expect(await heading(page)).toBe(`${f.number(detail.rework.live.rework_runs)} runs`);

    // The overview's straight-through rate is the straight-through runs over those whose status is known.
    await page.goto(`${demo.world.url}/overview?tenant=${TENANT}`);
    const shown = await page.locator('[data-testid="tile-straight-through"] [data-value]').getAttribute("data-value");
    await Promise.all([page.waitForURL((u) => u.pathname === "/runs"), page.click('[data-testid="tile-straight-through"] a')]);
    const url = new URL(page.url());
    expect(url.searchParams.get("straightThrough")).toBe("true");
    // The tile pools the comparable workflows; its link names them.
    const window = { tenant: TENANT, phase: "live", from: url.searchParams.get("from"), to: url.searchParams.get("to"), workflows: url.searchParams.getAll("workflows") };
    expect(window.workflows.length).toBeGreaterThan(0);
    const yes = await demo.query<RunPage>("executive", "runs.list", { ...window, straightThrough: true, limit: 1 });
    const no = await demo.query<RunPage>("executive", "runs.list", { ...window, straightThrough: false, limit: 1 });
    expect(await heading(page)).toBe(`${f.number(yes.total)} runs`);
    expect(shown).toBe(f.percent(yes.total / (yes.total + no.total)));
    await page.close();
  });

  it("narrows the list with the filter form, and pages through it by cursor, forward and back", async () => {
    const all = await demo.query<RunPage>("ops", "runs.list", { tenant: TENANT, phase: "live" });
    expect(all.total).toBeGreaterThan(50);
    const page = await demo.open("ops", `/runs?tenant=${TENANT}&phase=live`, "runs-list");
    expect(await heading(page)).toBe(`${f.number(all.total)} runs`);
    const firstPage = await runIds(page);
    expect(firstPage.length).toBe(50);
    await Promise.all([page.waitForURL((u) => u.searchParams.has("cursor")), page.click('[data-testid="page-next"]')]);
    await page.waitForSelector('[data-testid="runs-table"]');
    const secondPage = await runIds(page);
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    const onSecond = page.url();
    await Promise.all([page.waitForURL((u) => u.href !== onSecond), page.click('[data-testid="page-prev"]')]);
    await page.waitForSelector('[data-testid="runs-table"]');
    expect(await runIds(page)).toEqual(firstPage);

    // Only exception runs: fewer, and each one an exception; the same count the API gives.
    await page.selectOption('[data-testid="run-filters"] select[name="exception"]', "true");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("exception") === "true"), page.click('[data-testid="run-filters"] button[type="submit"]')]);
    await page.waitForSelector('[data-testid="runs"] h2');
    const narrowed = await demo.query<RunPage>("ops", "runs.list", { tenant: TENANT, phase: "live", exception: true });
    expect(narrowed.total).toBeLessThan(all.total);
    expect(await heading(page)).toBe(`${f.number(narrowed.total)} runs`);
    await page.close();
  });

  it("answers 404 for an unknown run and for a run behind the member's barrier", async () => {
    const context = await demo.session("admin");
    const unknown = await context.newPage();
    expect((await unknown.goto(`${demo.world.url}/runs/no-such-run?tenant=${TENANT}`))?.status()).toBe(404);
    await unknown.close();

    // A member barred to one workflow, created through the API, opens a run of another workflow.
    const runs = await demo.query<RunPage>("admin", "runs.list", { tenant: TENANT, phase: "live", limit: 200 });
    const workflows = [...new Set(runs.runs.map((r) => r.workflow))].sort();
    expect(workflows.length).toBeGreaterThan(1);
    const other = runs.runs.find((r) => r.workflow !== workflows[0])!;
    const group = await demo.mutate("admin", "groups.save", { tenant: TENANT, name: `runs-e2e-${Date.now()}`, workflows: [workflows[0]] });
    const groupId = (group.body as { result: { data: { group_id: string } } }).result.data.group_id;
    const email = `runs.barred.${Date.now()}@dashboards.test`;
    const created = await demo.mutate("admin", "users.create", { tenant: TENANT, email, role: "executive", groups: [groupId], password: E2E_PASSWORD });
    expect(created.status).toBe(200);
    const barred = await demo.browser().newContext();
    const signIn = await barred.newPage();
    await signIn.goto(`${demo.world.url}/sign-in`);
    await signIn.fill('input[name="email"]', email);
    await signIn.fill('input[name="password"]', E2E_PASSWORD);
    await Promise.all([signIn.waitForURL((u) => !u.pathname.startsWith("/sign-in")), signIn.click('button:has-text("Sign in")')]);
    const byId = `${demo.world.url}/runs/${encodeURIComponent(other.run_id)}?tenant=${TENANT}`;
    expect((await signIn.goto(byId))?.status()).toBe(404);
    expect((await signIn.goto(`${byId}&workflow=${encodeURIComponent(other.workflow)}`))?.status()).toBe(404);
    // The same run is there for the admin.
    const admin = await context.newPage();
    expect((await admin.goto(byId))?.status()).toBe(200);
    await admin.close();
    await barred.close();
  });
});
