import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./harness";
import { demoSessions, e2eEmail, SHOTS } from "./world";

const demo = demoSessions();

// Months counted by hand from an index, relative to today: no fixed calendar dates.
const idx = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
const NOW = idx(new Date().toISOString());
// The firm's go-live: the 15th, five months ago. Its 90-day checkpoint has passed; the 6- and 12-month ones have not.
const GM = NOW - 5;

/** Intake converts 20 of 100 prospects and churn loses 10 of 200 clients a month in the baseline year; 30 and 9 since go-live. */
function figuresCsv(): string {
  const lines = ["period,measure,value"];
  for (let i = GM - 12; i < NOW; i++) {
    const live = i >= GM;
    lines.push(`${month(i)},business.intake.prospects,100`, `${month(i)},business.intake.converted,${live ? 30 : 20}`);
    lines.push(`${month(i)},business.clients.active,200`, `${month(i)},business.clients.lost,${live ? 9 : 10}`);
  }
  return lines.join("\n");
}

describe("business outcome targets in Settings and the lagging checkpoints on the overview", { timeout: 300_000 }, () => {
  it("sets a target (an invalid one gets a message beside the field) and shows the lagging checkpoint against it", async () => {
    // A tenant of its own: targets and figures of the demo tenant are left to the tests that read them.
    const own = `targets-${randomUUID().slice(0, 8)}`;
    const dir = demo.world.dataDir;
    cli(dir, ["tenants", "create", own, "--name", "Targets Firm"]);
    // No password: the account exists, and a new password would end its sessions in every other test file.
    cli(dir, ["users", "create", "--email", e2eEmail("admin"), "--role", "admin", "--tenant", own]);
    const saved = await demo.mutate("admin", "settingsWorkflows.save", {
      tenant: own, workflow: "intake", display_name: "Intake", go_live_date: `${month(GM)}-15`, hourly_cost: 100, currency: "USD",
      review_sla_minutes: 60, exception_sla_minutes: 240, targets: "{}", approved_models: "{}", platform_cost_monthly: 0, implementation_cost: 0, recurring_investment_monthly: 0,
    });
    expect(saved.status).toBe(200);
    const file = path.join(dir, `${own}.csv`);
    writeFileSync(file, figuresCsv());
    cli(dir, ["business", "import", file, "--tenant", own]);

    const settings = await demo.open("admin", `/settings?tenant=${own}`, "settings-business-targets");
    const churn = settings.locator('form[aria-label="Target of Client churn (monthly)"]');
    // More churn is not a target: refused in words, beside the field, and nothing is saved.
    await churn.locator('input[name="target"]').fill("1");
    await churn.locator('button:has-text("Save")').click();
    await churn.locator('[role="alert"]:has-text("is better lower")').waitFor();
    expect(await churn.locator('input[name="target"]').getAttribute("aria-invalid")).toBe("true");
    await settings.locator('[data-testid="settings-business-targets"]').screenshot({ path: path.join(SHOTS, "settings-business-targets-error-admin.png") });
    await churn.locator('input[name="target"]').fill("-1");
    await churn.locator('button:has-text("Save")').click();
    await churn.locator('[role="status"]:has-text("Saved: −1 pt")').waitFor();
    const intake = settings.locator('form[aria-label="Target of Intake conversion"]');
    await intake.locator('input[name="target"]').fill("5");
    await intake.locator('button:has-text("Save")').click();
    await intake.locator('[role="status"]:has-text("Saved: +5 pt")').waitFor();
    await settings.close();

    const page = await demo.open("admin", `/overview?tenant=${own}`, "overview-lagging-checkpoints");
    const table = page.locator('[data-testid="lagging-scorecard"]');
    await table.waitFor();
    // By hand over the three months from the go-live month: churn 27/600 − 30/600 = −0.5 point against −1: missed.
    const churnCell = page.locator('[data-testid="lagging-client-churn-90"]');
    expect(await churnCell.getAttribute("data-status")).toBe("missed");
    expect(await churnCell.textContent()).toContain("−0.5 pt / target −1 pt");
    // Conversion 90/300 − 60/300 = +10 points against +5: met.
    const intakeCell = page.locator('[data-testid="lagging-intake-conversion-90"]');
    expect(await intakeCell.getAttribute("data-status")).toBe("met");
    expect(await intakeCell.textContent()).toContain("+10 pt / target +5 pt");
    // No target on revenue per FTE, and no figures for it: not met, and not shown as 0.
    expect(await page.getAttribute('[data-testid="lagging-revenue-per-fte-90"]', "data-status")).toBe("no target");
    expect(await page.textContent('[data-testid="lagging-revenue-per-fte-90"]')).toContain("Unknown");
    // The 6-month checkpoint is ahead, with the target it will be judged against.
    expect(await page.getAttribute('[data-testid="lagging-client-churn-182"]', "data-status")).toBe("upcoming");
    expect(await page.textContent('[data-testid="lagging-client-churn-182"]')).toContain("target −1 pt");
    expect(await page.getAttribute('[data-testid="lagging-90"]', "data-status")).toBe("missed");
    // Beside the leading checkpoints: one lagging checkpoint due, missed.
    const line = page.locator('[data-testid="lagging-met-of-due"]');
    expect([await line.getAttribute("data-due"), await line.getAttribute("data-met"), await line.getAttribute("data-missed")]).toEqual(["1", "0", "1"]);
    await page.locator('[data-testid="milestones"]').screenshot({ path: path.join(SHOTS, "overview-lagging-checkpoints-table-admin.png") });
    await page.close();
  });
});
