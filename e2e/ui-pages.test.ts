import { describe, expect, it } from "vitest";
import { mayView, VIEW_ROLES } from "@/app/components/section";
import { demoSessions, E2E_ROLES as ROLES, E2E_TENANT as TENANT } from "./world";

// Apart from dashboards.test.ts so the two long files can run on different workers. `npm test` renders
// every page as an admin (the role that may open all of them); PLUMBLINE_E2E_ALL_ROLES=1 renders every
// page for every role as well (about 3 more minutes), where the navigation test checks each role's views.
const demo = demoSessions();
const roles = process.env.PLUMBLINE_E2E_ALL_ROLES === "1" ? ROLES : ROLES.filter((r) => r === "admin");

describe("every page for every role", { timeout: 600_000 }, () => {
  for (const role of roles) {
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
