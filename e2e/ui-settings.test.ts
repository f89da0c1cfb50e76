import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { cli } from "./harness";
import { demoSessions, E2E_PASSWORD, E2E_TENANT as TENANT, e2eEmail, SHOTS } from "./world";

const demo = demoSessions();
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const unique = () => randomUUID().slice(0, 8);

interface Config {
  workflow: string;
  currency: string;
  hourly_cost: number;
  targets: string;
  approved_models: string;
  platform_cost_monthly: number;
  implementation_cost: number;
  recurring_investment_monthly: number;
}

describe("settings as forms", { timeout: 300_000 }, () => {
  it("creates a workflow with the form, refusing a negative cost with a message beside the field", async () => {
    const workflow = `e2e-form-${unique()}`;
    // A tenant of its own: a new workflow's costs would change the demo tenant's firm-wide net value,
    // which the dashboards test compares with the page while this file runs beside it.
    const own = `settings-${unique()}`;
    cli(demo.world.dataDir, ["tenants", "create", own, "--name", "Settings Form Firm"]);
    // No password: the account exists, and a new password would end its sessions in every other test file.
    cli(demo.world.dataDir, ["users", "create", "--email", e2eEmail("admin"), "--role", "admin", "--tenant", own]);
    const page = await demo.open("admin", `/settings?tenant=${own}`, "settings-workflow-form");
    await page.click('summary:has-text("Add a workflow")');
    const form = page.locator('form[aria-label="Settings of a new workflow"]');
    await form.locator("#new-workflow").fill(workflow);
    await form.locator("#new-hourly_cost").fill("-5");
    await form.locator("#new-cycle_time_compression").fill("40");
    await form.locator("#new-exception_rate").fill("8");
    await form.locator("#new-labor_hours_30d").fill("120");
    await form.locator('button:has-text("Add data class")').click();
    await form.getByLabel("Data class", { exact: true }).fill("phi");
    await form.getByLabel("Models (comma-separated)").fill("gpt-4o-mini, claude-haiku");
    await form.locator("#new-platform_cost_monthly").fill("500");
    await form.locator("#new-implementation_cost").fill("20000");
    await form.locator("#new-recurring_investment_monthly").fill("800");
    await form.locator('button:has-text("Save new version")').click();
    // The message is the field's own, in words, beside it: not a list of zod issues.
    await expect.poll(() => form.locator("#new-hourly_cost-error").textContent()).toBe("must be 0 or more");
    expect(await form.locator("#new-hourly_cost").getAttribute("aria-invalid")).toBe("true");
    expect(await form.textContent()).not.toContain('"code"');
    await shot(page, "settings-workflow-form-error");
    await form.locator("#new-hourly_cost").fill("95");
    await form.locator('button:has-text("Save new version")').click();
    await page.waitForSelector(`form[aria-label="Settings of a new workflow"] [role="status"]:has-text("Saved ${workflow}.")`);
    await shot(page, "settings-workflow-form");
    const configs = await demo.query<Config[]>("admin", "settingsWorkflows.list", { tenant: own });
    const tenant = await demo.query<{ settings: { currency: string } }>("admin", "tenantSettings.get", { tenant: own });
    const saved = configs.find((c) => c.workflow === workflow);
    // Typed as 40% and 8%: stored as the fractions the milestones read.
    expect(JSON.parse(saved?.targets ?? "null")).toEqual({ cycle_time_compression: 0.4, exception_rate: 0.08, labor_hours_30d: 120 });
    expect(JSON.parse(saved?.approved_models ?? "null")).toEqual({ phi: ["gpt-4o-mini", "claude-haiku"] });
    expect(saved).toMatchObject({ hourly_cost: 95, currency: tenant.settings.currency, platform_cost_monthly: 500, implementation_cost: 20000, recurring_investment_monthly: 800 });
    await page.close();
  });

  it("disables, enables and removes a member the admin added", async () => {
    const email = `e2e-member-${unique()}@dashboards.test`;
    const page = await demo.open("admin", `/settings?tenant=${TENANT}`, "settings-members");
    await page.fill('input[name="member-email"]', email);
    await page.selectOption('select[name="member-role"]', "ops");
    await page.fill('input[name="member-password"]', E2E_PASSWORD);
    await page.click('button:has-text("Add member")');
    const row = page.locator(`[data-testid="member-${email}"]`);
    await row.waitFor();
    await row.locator('button:has-text("Disable")').click();
    await page.waitForSelector(`[data-testid="member-${email}"]:has-text("disabled: cannot sign in")`);
    const listed = async () => (await demo.query<{ email: string; disabled: boolean }[]>("admin", "users.list", { tenant: TENANT })).find((u) => u.email === email);
    expect((await listed())?.disabled).toBe(true);
    await shot(page, "settings-members-disabled");
    await row.locator('button:has-text("Enable")').click();
    await page.waitForSelector(`[data-testid="member-${email}"] button:has-text("Disable")`);
    expect((await listed())?.disabled).toBe(false);
    await row.locator('button:has-text("Remove")').click();
    await row.locator('button:has-text("Confirm removal")').click();
    await page.waitForSelector(`[data-testid="member-${email}"]`, { state: "detached" });
    expect(await listed()).toBeUndefined();
    const audit = await demo.query<{ action: string; result: string }[]>("admin", "audit.list", { tenant: TENANT, limit: 100 });
    expect(audit.filter((a) => a.action === "memberships.setDisabled" && a.result === "ok").length).toBeGreaterThanOrEqual(2);
    expect(audit.some((a) => a.action === "memberships.remove" && a.result === "ok")).toBe(true);
    await page.close();
  });

  it("lets an engineer create a key on Sources, shown once, and revoke it; ops see no keys there", async () => {
    const name = `e2e sources ${unique()}`;
    const page = await demo.open("engineer", `/sources?tenant=${TENANT}`, "sources-keys");
    await page.fill('input[name="ingest-key-name"]', name);
    await page.click('button:has-text("Create key")');
    expect((await page.locator('[data-testid="new-ingest-key"]').textContent()) ?? "").toMatch(/^plk_/);
    await page.waitForSelector(`[data-testid="ingest-keys"] tr:has-text("${name}"):has-text("active")`);
    await shot(page, "sources-keys");
    await page.click(`button[aria-label="Revoke ${name}"]`);
    await page.waitForSelector(`[data-testid="ingest-keys"] tr:has-text("${name}"):has-text("revoked")`);
    await page.close();
    const ops = await demo.open("ops", `/sources?tenant=${TENANT}`, "sources");
    expect(await ops.locator('[data-testid="sources-ingest-keys"]').count()).toBe(0);
    await ops.close();
  });

  it("imports an upload with chosen columns, a moving bar and a summary naming the skipped lines", async () => {
    const page = await demo.open("admin", `/settings?tenant=${TENANT}`, "settings-import");
    // Headers no detection knows; lines 3 and 5 (line 1 is the header) have unreadable times.
    const good = Array.from({ length: 5000 }, (_, i) => `E2E-${i},step,2024-03-01 09:${String(i % 60).padStart(2, "0")}`);
    const csv = ["Ref,What,When", "E2E-A,open,2024-03-01 09:00", "E2E-A,close,yesterday", "E2E-B,open,2024-03-02 09:00", "E2E-B,close,soon", ...good].join("\n");
    const form = page.locator('form[aria-label="Baseline import"]');
    await form.locator('input[name="workflow"]').fill(`e2e-import-${unique()}`);
    await form.locator('input[name="file"]').setInputFiles({ name: "odd-headers.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await form.locator('button:has-text("Preview")').click();
    const refusal = page.locator('form[aria-label="Baseline import"] + p[role="alert"]');
    await expect.poll(() => refusal.textContent()).toMatch(/Choose the column for caseId, activity, timestamp under "Columns"/);
    expect(await refusal.textContent()).not.toContain("--map");
    await form.locator('select[name="map.caseId"]').selectOption("Ref");
    await form.locator('select[name="map.activity"]').selectOption("What");
    await form.locator('select[name="map.timestamp"]').selectOption("When");
    await form.locator('button:has-text("Preview")').click();
    await page.waitForSelector('[data-testid="baseline-preview"]');
    // Every value the bar shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const v = document.querySelector('[aria-label="Import progress"]')?.getAttribute("aria-valuenow");
        if (v !== null && v !== undefined && seen.at(-1) !== Number(v)) seen.push(Number(v));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.click('button:has-text("Commit import")');
    await page.waitForSelector('[data-testid="baseline-summary"]');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((v) => v < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.getAttribute('[data-testid="baseline-progress"]', "data-phase")).toBe("Done");
    const summary = (await page.textContent('[data-testid="baseline-summary"]')) ?? "";
    expect(summary).toContain(`Imported ${5000 + 2} runs`);
    expect(await page.textContent('[data-testid="baseline-skipped"]')).toBe('unparsable timestamp: 2 rows, lines 3, 5 (e.g. "yesterday")');
    await shot(page, "settings-import");
    await page.close();
  });
});
