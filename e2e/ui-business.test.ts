import { describe, expect, it } from "vitest";
import { formatter } from "@/app/components/format";
import { OUTCOME_KEYS } from "@/metrics/business-outcome-defs";
import type { BusinessOutcomesReport } from "@/metrics/business-outcomes-report";
import { demoSessions, tenantQuery, E2E_TENANT } from "./world";

const demo = demoSessions();

describe("business outcomes on the overview", () => {
  it("shows the executive two tiers: the leading indicators and the business outcomes against the baseline year", async () => {
    const page = await demo.open("executive", `/overview?${tenantQuery}`, "overview-two-tiers");
    const report = await demo.query<BusinessOutcomesReport>("executive", "business.outcomes", { tenant: E2E_TENANT });
    expect(await page.locator('[data-testid="tier-leading"]').count()).toBe(1);
    const section = page.locator('[data-testid="business-outcomes"]');
    await section.waitFor();
    // The section cites the locked baseline year it compares with.
    expect(await section.textContent()).toContain(`${report.baseline_year!.from} to ${report.baseline_year!.to} (locked, version ${report.baseline_year!.version})`);
    for (const key of OUTCOME_KEYS) {
      const o = report.outcomes.find((x) => x.key === key)!;
      const f = formatter("en-US", o.currency ?? "USD");
      const expected = o.status !== "ok" ? "insufficient" : key === "revenue-per-fte" ? f.money(o.live) : o.unit.startsWith("share") ? f.percent(o.live) : f.number(o.live, 1);
      expect(await page.getAttribute(`[data-testid="outcome-${key}"] [data-value]`, "data-value"), key).toBe(expected);
    }
    // The demo's data error rate does not move: its interval spans 0 and the tile says so.
    expect(await page.textContent('[data-testid="outcome-data-error-rate"]')).toContain("no clear change");
    await page.locator('[data-testid="business-outcomes"]').screenshot({ path: `${(await import("./world")).SHOTS}/overview-lagging-tier-executive.png` });
    await page.close();
  });

  it("shows on a workflow page the outcomes its leading indicators feed", async () => {
    const page = await demo.open("executive", `/workflows/client-intake?${tenantQuery}`, "workflow-feeds-outcomes");
    const rows = page.locator('[data-testid="feeds-outcomes"] tbody tr');
    expect(await rows.count()).toBe(OUTCOME_KEYS.length);
    expect(await page.textContent('[data-testid="feeds-outcomes"]')).toContain("cycle-time compression");
    await page.close();
  });

  it("refuses the outcomes to an engineer, who has no overview", async () => {
    const res = await (await demo.session("engineer")).request.get(`${demo.world.url}/api/trpc/business.outcomes?input=${encodeURIComponent(JSON.stringify({ tenant: E2E_TENANT }))}`);
    expect(res.status()).toBe(403);
  });
});

describe("the monthly business-figures upload in Settings", () => {
  it("previews a file with its skipped lines, imports it, and a bad file gets a message", async () => {
    const page = await demo.open("admin", `/settings?${tenantQuery}`, "settings-business");
    const form = page.locator('form[aria-label="Business figures import"]');
    // An early month of a measure the demo does not report by business unit: a new series, nothing the
    // demo's own figures (which other tests read) depend on.
    const csv = ["period,measure,value,business_unit", "2020-01,compliance.audits,2,e2e-unit", "2020-01,compliance.audits,3,e2e-unit", "2020-02,compliance.sightings,1,e2e-unit"].join("\n");
    await form.locator('input[name="file"]').setInputFiles({ name: "figures.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await form.locator('button:has-text("Preview")').click();
    const preview = page.locator('[data-testid="business-preview"]');
    await preview.waitFor();
    expect(await page.textContent('[data-testid="business-preview-skipped"]')).toMatch(/duplicate_period ×1: line 3[\s\S]*unknown_measure ×1: line 4/);
    await page.locator('button:has-text("Import 1 figures")').click();
    await page.locator('[data-testid="business-summary"]').waitFor();
    expect(await page.textContent('[data-testid="business-summary"]')).toContain("Imported: 1 figures");
    await page.screenshot({ path: `${(await import("./world")).SHOTS}/settings-business-import-admin.png`, fullPage: true });
    await form.locator('input[name="file"]').setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("when,what\n1,2\n") });
    await form.locator('button:has-text("Preview")').click();
    await page.locator('[role="alert"]:has-text("Missing column")').waitFor();
    await page.close();
  });
});
