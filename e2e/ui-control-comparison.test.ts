import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatter } from "@/app/components/format";
import type { ControlComparisonResult } from "@/metrics/control-comparison";
import { demoSessions, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const config = (workflow: string, go_live_date: string | null) => ({
  tenant: TENANT,
  workflow,
  go_live_date,
  hourly_cost: 100,
  currency: "USD",
  review_sla_minutes: 60,
  exception_sla_minutes: 240,
  targets: "{}",
  approved_models: "{}",
  platform_cost_monthly: 0,
  implementation_cost: 0,
});

describe("control comparisons in the browser", { timeout: 300_000 }, () => {
  it("shows the demo billing narratives' estimate against its control, with its interval and the pre-trend sentence", async () => {
    // The page first: it computes the figures the query then reads from the cache (a cold query can take long on a busy machine).
    const page = await demo.open("executive", `/workflows/billing-narrative?tenant=${TENANT}`, "control-comparison");
    const r = await demo.query<ControlComparisonResult>("executive", "workflowDetail.control", { tenant: TENANT, workflow: "billing-narrative" });
    expect(r.controls).toEqual(["billing-narrative-chicago"]);
    expect(r.cycle?.status).toBe("ok");
    const f = formatter("en-US");
    const estimate = (await page.locator('[data-testid="control-cycle-estimate"]').textContent()) ?? "";
    expect(estimate).toContain(f.hours(r.cycle!.estimate));
    expect(estimate).toContain(`95% CI ${f.hours(r.cycle!.interval![0])} to ${f.hours(r.cycle!.interval![1])}`);
    expect(await page.locator('[data-testid="control-cycle-check"]').textContent()).toBe(r.cycle!.sentence);
    expect(r.cycle!.sentence).toContain("moved in parallel before go-live");
    // The pre-period chart of both weekly series is drawn.
    expect(await page.locator('[data-testid="control-cycle"] svg').count()).toBeGreaterThan(0);
    await page.close();
  });

  it("shows the control comparison at each passed checkpoint in the workflow's milestones", async () => {
    const page = await demo.open("executive", `/overview?tenant=${TENANT}&workflow=billing-narrative`, "checkpoint-controls");
    const table = page.locator('[data-testid="checkpoint-controls-billing-narrative"]');
    // Go-live 200 days before the demo's anchor: the 90-day and 6-month checkpoints have passed.
    await expect.poll(async () => table.locator("tbody tr").count(), { timeout: 120_000 }).toBe(2);
    expect(await table.locator("tbody tr").first().textContent()).toMatch(/^90 d/);
    await page.close();
  });

  it("lets an admin set a control in the Settings form and refuses one that went live first", async () => {
    for (const [wf, live] of [["e2e-did-treated", day(-60)], ["e2e-did-office", null], ["e2e-did-early", day(-90)]] as const) {
      const saved = await demo.mutate("admin", "settingsWorkflows.save", config(wf, live));
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
    const page = await demo.open("admin", `/settings?tenant=${TENANT}`, "settings-controls");
    await page.click('summary:has-text("e2e-did-treated")');
    const form = page.locator('form[aria-label="Settings of e2e-did-treated"]');
    await form.locator('input[name="controls"]').fill("e2e-did-early");
    await form.locator('button[type="submit"]').click();
    await expect.poll(async () => form.locator('[role="status"]').textContent()).toContain(`e2e-did-early went live on ${day(-90)}`);
    await page.screenshot({ path: path.join(SHOTS, "settings-control-refused-admin.png"), fullPage: true });
    await form.locator('input[name="controls"]').fill("e2e-did-office");
    await form.locator('button[type="submit"]').click();
    await expect.poll(async () => form.locator('[role="status"]').textContent()).toContain("Saved e2e-did-treated");
    const list = await demo.query<{ workflow: string; controls: string[] }[]>("admin", "settingsWorkflows.list", { tenant: TENANT });
    expect(list.find((c) => c.workflow === "e2e-did-treated")?.controls).toEqual(["e2e-did-office"]);
    await page.close();
  });
});
