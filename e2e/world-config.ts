/** What the e2e project's global setup (e2e/global-setup.ts) creates, shared with the test files. */
export const E2E_TENANT = "demo";
export const E2E_PASSWORD = "dashboards e2e password";
export const E2E_ROLES = ["admin", "executive", "ops", "engineer"] as const;
export type E2eRole = (typeof E2E_ROLES)[number];
export const e2eEmail = (role: E2eRole) => `${role}@dashboards.test`;

export interface E2eWorld {
  url: string;
  dataDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2eWorld: E2eWorld;
  }
}
