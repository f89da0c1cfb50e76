import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoSessions, E2E_TENANT as TENANT, SHOTS } from "./world";

const demo = demoSessions();
const TRAPPED = "matter-summary";
const RULE = `e2e pilot trap ${randomUUID().slice(0, 8)}`;
// Long enough for a streamed section on a loaded machine; a wait, not a timing assertion.
const SETTLE = { timeout: 120_000 };

interface Trap {
  workflows: { workflow: string; flagged: boolean; signs: { key: string; status: string }[] }[];
}

describe("the pilot-trap detector in the browser", { timeout: 600_000 }, () => {
  it("lists the demo workflow caught in the trap on the overview, with its evidence and since-date, and no other", async () => {
    const page = await demo.open("executive", `/overview?tenant=${TENANT}`, "pilot-trap-overview");
    const card = page.locator('[data-testid="pilot-trap"]');
    const item = card.locator(`[data-testid="pilot-trap-${TRAPPED}"]`);
    await item.waitFor(SETTLE);
    expect(await item.textContent()).toMatch(/since \w{3} \d{1,2}, \d{4}/);
    // Every flagged sign is listed with its numbers.
    expect(await item.locator('[data-testid^="pilot-trap-sign-"]').count()).toBe(4);
    expect(await item.locator('[data-testid="pilot-trap-sign-low-volume"]').textContent()).toMatch(/live runs a week against .* manual runs a week/);
    // The card lists exactly the workflows the detector flags, as the procedure gives them.
    const trap = await demo.query<Trap>("executive", "overview.pilotTrap", { tenant: TENANT });
    const flagged = trap.workflows.filter((w) => w.flagged).map((w) => w.workflow);
    expect(flagged).toEqual([TRAPPED]);
    expect(await card.locator('[data-testid="pilot-trap-flagged"] > li[data-testid^="pilot-trap-"]:not([data-testid="pilot-trap-unknown"])').count()).toBe(flagged.length);
    await card.screenshot({ path: path.join(SHOTS, "pilot-trap-card-overview.png") });
    await page.close();
  });

  it("shows every sign on the workflow page: flagged for the trapped workflow, not flagged or unknown for another", async () => {
    const page = await demo.open("executive", `/workflows/${TRAPPED}?tenant=${TENANT}`, "pilot-trap-workflow");
    const signs = page.locator('[data-testid="pilot-trap"] [data-testid^="pilot-trap-sign-"]');
    await signs.first().waitFor(SETTLE);
    expect(await signs.count()).toBe(4);
    for (const text of await signs.allTextContents()) expect(text).toMatch(/^flagged/);
    await page.locator('[data-testid="pilot-trap"]').screenshot({ path: path.join(SHOTS, "pilot-trap-card-workflow.png") });
    await page.close();

    const other = await demo.open("executive", `/workflows/client-intake?tenant=${TENANT}`, "pilot-trap-workflow-other");
    const otherSigns = other.locator('[data-testid="pilot-trap"] [data-testid^="pilot-trap-sign-"]');
    await otherSigns.first().waitFor(SETTLE);
    for (const text of await otherSigns.allTextContents()) expect(text).toMatch(/^(not flagged|unknown)/);
    await other.close();
  });

  it("creates a pilot-trap alert rule with the form and shows its condition", async () => {
    const page = await demo.open("admin", `/alerts?tenant=${TENANT}`, "pilot-trap-alerts");
    const form = page.locator('form[aria-label="New alert rule"]');
    await form.locator("#new-name").fill(RULE);
    await form.locator("#new-kind").selectOption("pilot-trap");
    await form.locator("#new-workflow").selectOption(TRAPPED);
    await form.locator("#new-window").fill("30");
    await form.locator("#new-windowUnit").selectOption("days");
    await form.locator('button[type="submit"]').click();
    const row = page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`);
    await row.waitFor(SETTLE);
    const condition = `${TRAPPED} showing the pilot trap (a sign that the manual process still runs beside it) over 30 days`;
    expect(await row.locator('[data-testid="rule-condition"]').textContent()).toBe(condition);
    await page.screenshot({ path: path.join(SHOTS, "pilot-trap-rule-admin.png"), fullPage: true });
    // Our own rule only: removed again, so files beside this one see the demo's rules unchanged.
    page.on("dialog", (d) => void d.accept());
    await row.locator('button:has-text("Delete")').click();
    await expect.poll(() => page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`).count(), SETTLE).toBe(0);
    await page.close();
  });
});
