import { describe, expect, it } from "vitest";
import type { ProgressResult } from "@/metrics/progress";
import type { CheckpointTimeline } from "@/server/routers/progress";
import { demoSessions, E2E_TENANT as TENANT } from "./world";

const demo = demoSessions();

/**
 * `demo.query` with a longer timeout: the milestone evaluation behind overview.checkpoints takes tens of
 * seconds on a loaded machine when the API's cache is cold (the page's server render may not share it).
 */
async function query<T>(procedure: string, input: unknown): Promise<T> {
  const context = await demo.session("executive");
  const res = await context.request.get(`${demo.world.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { timeout: 240_000 });
  expect(res.status(), `${procedure} answered ${res.status()}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

describe("progress at a glance on the executive's overview", { timeout: 600_000 }, () => {
  it("shows checkpoints per workflow, met of due as the procedure counts it, the trend and the payback curve with markers, and points that open their runs", async () => {
    const page = await demo.open("executive", `/overview?tenant=${TENANT}`, "overview-progress");
    await page.waitForSelector('[data-testid="checkpoints-met-of-due"]');
    await page.waitForSelector('[data-testid="progress-trend"] svg');
    const timeline = await query<CheckpointTimeline>("overview.checkpoints", { tenant: TENANT });
    const progress = await query<ProgressResult>("overview.progress", { tenant: TENANT });

    // Firm-wide met of due: the page shows the procedure's own counts.
    const due = page.locator('[data-testid="checkpoints-met-of-due"]');
    expect(timeline.workflows.length).toBeGreaterThan(0);
    expect(await due.getAttribute("data-met")).toBe(String(timeline.due.met));
    expect(await due.getAttribute("data-due")).toBe(String(timeline.due.due));
    expect(await due.textContent()).toContain(timeline.due.due === 0 ? "None due yet" : `${timeline.due.met} of ${timeline.due.due}`);

    // A timeline per workflow, with its months since go-live and each checkpoint's status.
    for (const w of timeline.workflows) {
      expect(await page.getAttribute(`[data-testid="timeline-${w.workflow}"]`, "data-months")).toBe(String(w.months_since_go_live));
      for (const c of w.checkpoints) expect(await page.getAttribute(`[data-testid="timeline-${w.workflow}-${c.days}"]`, "data-status")).toBe(c.status);
    }

    // Both charts are drawn: one linked point per known value, none for an unknown one.
    const known = (vs: (number | null)[]) => vs.filter((v) => v !== null).length;
    const trendPoints = page.locator('[data-testid="progress-trend"] a[data-testid="chart-point"]');
    expect(await trendPoints.count()).toBe(known(progress.months.flatMap((m) => [m.hours, m.value])));
    expect(await trendPoints.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="progress-trend"] .recharts-line').count()).toBe(2);
    const curvePoints = page.locator('[data-testid="payback-chart"] a[data-testid="chart-point"]');
    expect(await curvePoints.count()).toBe(known(progress.payback.points.flatMap((p) => [p.cumulative_value, p.cumulative_cost])));
    expect(await page.locator('[data-testid="payback-chart"] .recharts-line').count()).toBe(2);

    // Markers: the demo's go-lives and prompt changes fall inside the 12 months drawn.
    const shown = new Set(progress.months.map((m) => m.month));
    expect(progress.markers.some((m) => shown.has(m.date.slice(0, 7)))).toBe(true);
    expect(await page.locator('[data-testid="progress-trend"] .recharts-reference-line').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="change-markers"] li').count()).toBe(progress.markers.length);

    // A point opens /runs filtered to its month, live phase. The month's value point is drawn over its
    // hours point (same link) where the two lines cross, so the topmost, last drawn, is clicked.
    const last = progress.months.findLast((m) => m.value !== null)!;
    const point = page.locator(`[data-testid="progress-trend"] a[data-testid="chart-point"][data-period="${last.month}"]`).last();
    await point.click();
    await page.waitForURL((u) => u.pathname === "/runs");
    const q = new URL(page.url()).searchParams;
    expect({ tenant: q.get("tenant"), phase: q.get("phase"), from: q.get("from"), to: q.get("to") }).toEqual({ tenant: TENANT, phase: "live", from: last.from, to: last.to });
    await page.close();
  });
});
