import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunPage } from "@/metrics/run-list";
import type { ProgressResult } from "@/metrics/progress";
import { demoSessions, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();
const WORKFLOW = "billing-narrative";
const day = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe("a workflow's cycle-time chart (issue 25)", { timeout: 300_000 }, () => {
  it("marks the go-live on the week it fell in, and each week's point opens that week's runs", async () => {
    const workflows = await demo.query<{ workflow: string; go_live_date: string | null }[]>("executive", "workflows.list", { tenant: TENANT });
    const goLive = workflows.find((w) => w.workflow === WORKFLOW)?.go_live_date;
    expect(goLive, `${WORKFLOW} has a go-live`).toBeTruthy();
    // Three weeks either side of the go-live, so baseline and live weeks are both drawn.
    const from = day(goLive!, -21);
    const to = day(goLive!, 20);
    const progress = await demo.query<ProgressResult>("executive", "overview.progress", { tenant: TENANT, workflow: WORKFLOW });
    expect(progress.markers.some((m) => m.kind === "go-live" && m.date === goLive)).toBe(true);

    const page = await demo.open("executive", `/workflows/${WORKFLOW}?tenant=${TENANT}&from=${from}&to=${to}`, "workflow-cycle-chart");
    await page.waitForSelector('[data-testid="cycle-bands"] svg');
    // The go-live's week carries a "G" line; the list beneath names every marked event.
    const labels = await page.locator('[data-testid="cycle-bands"] .recharts-reference-line text').allTextContents();
    expect(labels.some((l) => l.split(" ").includes("G")), labels.join("|")).toBe(true);
    expect(await page.locator('[data-testid="change-markers"] li').count()).toBe(progress.markers.length);

    // A point opens /runs for its week (Monday to Sunday, both phases); every run listed started in it.
    const points = page.locator('[data-testid="cycle-bands"] a[data-testid="chart-point"]');
    expect(await points.count()).toBeGreaterThan(0);
    const week = (await points.first().getAttribute("data-period"))!;
    await page.screenshot({ path: path.join(SHOTS, "workflow-cycle-chart.png"), fullPage: true });
    await Promise.all([page.waitForURL((u) => u.pathname === "/runs"), points.first().click()]);
    const q = new URL(page.url()).searchParams;
    expect({ workflow: q.get("workflow"), from: q.get("from"), to: q.get("to"), phase: q.get("phase") }).toEqual({ workflow: WORKFLOW, from: week, to: day(week, 6), phase: null });
    await page.waitForSelector('[data-testid="runs"] h2');
    const listed = await demo.query<RunPage>("executive", "runs.list", { tenant: TENANT, workflow: WORKFLOW, from: week, to: day(week, 6), limit: 200 });
    expect(listed.total).toBeGreaterThan(0);
    for (const r of listed.runs) expect(r.start_time.slice(0, 10) >= week && r.start_time.slice(0, 10) <= day(week, 6), r.start_time).toBe(true);
    expect(await page.locator('[data-testid="runs"] h2').textContent()).toBe(`${listed.total.toLocaleString("en-US")} runs`);
    await page.close();
  });
});
