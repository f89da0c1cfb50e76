import { describe, expect, it } from "vitest";
import { mayView, VIEW_ROLES } from "@/app/components/section";
import { demoSessions, E2E_ROLES as ROLES, E2E_TENANT as TENANT } from "./world";

// Apart from dashboards.test.ts so the two long files can run on different workers.
const demo = demoSessions();

describe("every page for every role", { timeout: 600_000 }, () => {
  for (const role of ROLES) {
    it(`renders every page for the ${role} role and takes a screenshot of each`, async () => {
      for (const route of Object.keys(VIEW_ROLES) as (keyof typeof VIEW_ROLES)[]) {
        const page = await demo.open(role, `/${route}?tenant=${TENANT}`, `all-${route}`);
        expect(await page.locator("h1").count(), `${route} as ${role}`).toBe(1);
        expect(await page.locator('[data-testid="forbidden"]').count(), `${route} as ${role}`).toBe(mayView(route, role) ? 0 : 1);
        await page.close();
      }
    });
  }
});
