import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoSessions, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();
// Our own rule, so files running beside this one on the demo server see nothing of theirs change.
const RULE = `e2e business rule ${randomUUID().slice(0, 8)}`;
// Long enough for a page refresh on a loaded machine; a wait, not a timing assertion.
const SETTLE = { timeout: 60_000 };

interface ListedRule {
  ruleId: string;
  spec: { name: string; metric?: string; value?: number; windowMinutes: number };
  condition: string;
}

describe("an alert rule on a business outcome in the browser", { timeout: 300_000 }, () => {
  it("is offered in the form, refused on a workflow or a short window beside those fields, and created firm-wide in points", async () => {
    const page = await demo.open("admin", `/alerts?tenant=${TENANT}`, "alerts-business");
    const workflows = await demo.query<{ workflow: string }[]>("admin", "workflows.list", { tenant: TENANT });
    const wf = workflows[0]?.workflow ?? "";
    expect(wf).not.toBe("");
    const form = page.locator('form[aria-label="New alert rule"]');
    const options = await form.locator("#new-metric option").allTextContents();
    expect(options).toContain("change in client churn against the baseline year");
    expect(options).toContain("change in revenue per FTE against the baseline year");

    await form.locator("#new-name").fill(RULE);
    await form.locator("#new-metric").selectOption("client-churn");
    await form.locator("#new-workflow").selectOption(wf);
    await form.locator("#new-value").fill("1.5");
    await form.locator("#new-window").fill("30");
    await form.locator("#new-windowUnit").selectOption("days");
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator('[data-testid="new-workflow-error"]').textContent(), SETTLE).toBe("Business outcomes are the firm's figures, not a workflow's: leave the workflow empty.");
    expect(await form.locator('[data-testid="new-window-error"]').textContent()).toBe("A business outcome is compared over whole months: the window must be at least 90 days (3 months).");
    expect((await demo.query<ListedRule[]>("admin", "alerts.list", { tenant: TENANT })).map((r) => r.spec.name)).not.toContain(RULE);

    await form.locator("#new-workflow").selectOption("");
    await form.locator("#new-window").fill("90");
    await form.locator('button[type="submit"]').click();
    const row = page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`);
    await row.waitFor();
    const condition = "change in client churn against the baseline year above 1.5 points over the last 3 complete months";
    expect(await row.locator('[data-testid="rule-condition"]').textContent()).toBe(condition);
    const listed = (await demo.query<ListedRule[]>("admin", "alerts.list", { tenant: TENANT })).find((r) => r.spec.name === RULE);
    expect(listed?.spec).toMatchObject({ metric: "client-churn", value: 0.015, windowMinutes: 90 * 1440 });
    await page.screenshot({ path: path.join(SHOTS, "alerts-business-form-admin.png"), fullPage: true });

    page.on("dialog", (d) => void d.accept());
    await row.locator('button:has-text("Delete")').click();
    await expect.poll(() => page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`).count(), SETTLE).toBe(0);
    await page.close();
  });
});
