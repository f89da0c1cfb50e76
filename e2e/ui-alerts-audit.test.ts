import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoSessions, E2E_TENANT as TENANT, e2eEmail, SHOTS } from "./world";

const demo = demoSessions();
// Our own rule, so files running beside this one on the demo server see nothing of theirs change.
const RULE = `e2e rule ${randomUUID().slice(0, 8)}`;

interface ListedRule {
  ruleId: string;
  spec: { name: string; enabled: boolean };
  condition: string;
  state: { state: string; text: string } | null;
}

const DAY = 86_400_000;
// Long enough for a page refresh on a loaded machine; a wait, not a timing assertion.
const SETTLE = { timeout: 60_000 };
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("alert rules, the digest opt-in and the audit log in the browser", { timeout: 300_000 }, () => {
  it("creates a rule with the form, refusing an invalid threshold beside its field, and shows its condition and state", async () => {
    const page = await demo.open("admin", `/alerts?tenant=${TENANT}`, "alerts");
    const workflows = await demo.query<{ workflow: string }[]>("admin", "workflows.list", { tenant: TENANT });
    const wf = workflows[0]?.workflow ?? "";
    expect(wf).not.toBe("");
    const form = page.locator('form[aria-label="New alert rule"]');
    await form.locator("#new-name").fill(RULE);
    await form.locator("#new-workflow").selectOption(wf);
    await form.locator("#new-value").fill("150");
    await form.locator("#new-window").fill("7");
    await form.locator("#new-windowUnit").selectOption("days");
    await form.locator('button[type="submit"]').click();
    // A rate is a percentage: the message sits beside the threshold, in words, and nothing is created.
    await expect.poll(() => form.locator('[data-testid="new-value-error"]').textContent(), SETTLE).toBe("A rate is a percentage: between 0% and 100%.");
    expect(await form.locator("#new-value").getAttribute("aria-invalid")).toBe("true");
    const before = await demo.query<ListedRule[]>("admin", "alerts.list", { tenant: TENANT });
    expect(before.map((r) => r.spec.name)).not.toContain(RULE);

    await form.locator("#new-value").fill("15");
    await form.locator('button[type="submit"]').click();
    const row = page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`);
    await row.waitFor();
    const condition = `exception rate of ${wf} above 15% over 7 days`;
    expect(await row.locator('[data-testid="rule-condition"]').textContent()).toBe(condition);
    const listed = (await demo.query<ListedRule[]>("admin", "alerts.list", { tenant: TENANT })).find((r) => r.spec.name === RULE);
    expect(listed?.condition).toBe(condition);
    // The shared server runs no evaluator (PLUMBLINE_ALERTS=0): the table says so rather than "ok".
    expect(listed?.state?.state).toBe("pending");
    expect(await row.locator('[data-testid="rule-state"]').getAttribute("data-state")).toBe("pending");
    expect(await row.locator('[data-testid="rule-state"]').textContent()).toBe("not evaluated yet");
    await page.screenshot({ path: path.join(SHOTS, "alerts-form-admin.png"), fullPage: true });

    await row.locator('button:has-text("Disable")').click();
    await expect.poll(() => row.locator('[data-testid="rule-state"]').textContent(), SETTLE).toBe("disabled");
    page.on("dialog", (d) => void d.accept());
    await row.locator('button:has-text("Delete")').click();
    await expect.poll(() => page.locator(`[data-testid="rules-table"] tr:has-text("${RULE}")`).count(), SETTLE).toBe(0);
    await page.close();
  });

  it("lets a member subscribe and unsubscribe themselves to the digest, with its cadence", async () => {
    const page = await demo.open("executive", `/alerts?tenant=${TENANT}`, "alerts-digest");
    const status = page.locator('[data-testid="digest-status"]');
    const initial = await demo.query<{ subscribed: boolean; cadence: string }>("executive", "alerts.digestStatus", { tenant: TENANT });
    expect(await status.textContent()).toContain(initial.cadence);
    for (const want of [!initial.subscribed, initial.subscribed]) {
      await page.locator('[data-testid="digest-opt-in"] button').click();
      await expect.poll(async () => (await demo.query<{ subscribed: boolean }>("executive", "alerts.digestStatus", { tenant: TENANT })).subscribed, SETTLE).toBe(want);
      await expect.poll(() => status.textContent(), SETTLE).toContain(want ? `You get the digest at ${e2eEmail("executive")}` : "You do not get the digest");
    }
    await page.close();
  });

  it("filters the audit log and downloads exactly the filtered rows as CSV", async () => {
    const page = await demo.open("admin", `/settings?tenant=${TENANT}`, "settings-audit-link");
    await Promise.all([page.waitForURL((u) => u.pathname === "/settings/audit"), page.click('[data-testid="audit-link"]')]);
    const filters = page.locator('form[aria-label="Filter the audit log"]');
    await filters.locator('input[name="actor"]').fill(e2eEmail("admin"));
    await filters.locator('input[name="action"]').fill("alerts.create");
    await filters.locator('select[name="result"]').selectOption("ok");
    // Other browser test files create rules as the same admin meanwhile: the page and the CSV are each
    // compared with the API's answers just before and just after them.
    const list = async () =>
      (await demo.query<{ event_id: string; action: string }[]>("admin", "audit.list", { tenant: TENANT, actor: e2eEmail("admin"), action: "alerts.create", result: "ok", limit: 1000 })).map((r) => {
        expect(r.action).toBe("alerts.create");
        return r.event_id;
      });
    const pre = await list();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("action") === "alerts.create"), filters.locator('button[type="submit"]').click()]);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: path.join(SHOTS, "settings-audit-admin.png"), fullPage: true });

    // The first test created one rule as the admin, so at least that event is here; every row matches.
    const results = await page.locator('[data-testid="audit-result"]').allTextContents();
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(new Set(results)).toEqual(new Set(["ok"]));
    const shownIds = await page.locator('[data-testid="audit-table"] tbody tr td:nth-child(1)').count();
    const api = await list();
    expect(shownIds).toBeGreaterThanOrEqual(Math.min(Math.max(pre.length, 1), 50));
    expect(shownIds).toBeLessThanOrEqual(Math.min(api.length, 50));

    const href = (await page.locator('[data-testid="audit-csv"]').getAttribute("href")) ?? "";
    const before = await list();
    const res = await (await demo.session("admin")).request.get(`${demo.world.url}${href}`);
    const after = await list();
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/csv");
    const lines = (await res.text()).split("\r\n").filter((l) => l !== "");
    expect(lines[0]).toBe("time,event_id,actor_id,actor_email,kind,action,input_summary,result,detail,ip");
    // The CSV equals one of the two answers around it.
    expect([before, after]).toContainEqual(lines.slice(1).map((l) => l.split(",")[1]));

    // An inverted range is refused with a sentence, not an empty table.
    await page.goto(`${demo.world.url}/settings/audit?tenant=${TENANT}&from=${isoDay(Date.now())}&to=${isoDay(Date.now() - 2 * DAY)}`);
    expect(await page.locator('[data-testid="audit-filter-error"]').textContent()).toContain("'from' must be before 'to'");
    await page.close();
  });
});
