import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { launchBrowser } from "./harness";
import { E2E_PASSWORD, E2E_TENANT, e2eEmail, type E2eRole, type E2eWorld } from "./world-config";

export { E2E_PASSWORD, E2E_ROLES, E2E_TENANT, e2eEmail, type E2eRole } from "./world-config";

export const SHOTS = path.resolve(import.meta.dirname, "..", "artifacts", "screenshots");

export interface DemoSession {
  world: E2eWorld;
  browser(): Browser;
  /** One signed-in context per role, reused across the file's tests. */
  session(role: E2eRole): Promise<BrowserContext>;
  /** Opens `route` as `role`, waits for the network to settle and saves a full-page screenshot `${shot}-${role}.png`. */
  open(role: E2eRole, route: string, shot: string): Promise<Page>;
  /** A tRPC query over HTTP as the role's session (what the page itself would get). */
  query<T>(role: E2eRole, procedure: string, input: unknown): Promise<T>;
  /** A tRPC mutation over HTTP as the role's session; returns the status and body. */
  mutate(role: E2eRole, procedure: string, input: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * Browser sessions on the e2e project's shared demo server (e2e/global-setup.ts). Call once at the top
 * of a test file: it launches Chromium before the file's tests and closes it after.
 */
export function demoSessions(): DemoSession {
  const world = inject("e2eWorld");
  let browser: Browser | undefined;
  const sessions = new Map<E2eRole, Promise<BrowserContext>>();
  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  const signIn = async (role: E2eRole): Promise<BrowserContext> => {
    const context = await browser!.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${world.url}/sign-in`);
    await page.fill('input[name="email"]', e2eEmail(role));
    await page.fill('input[name="password"]', E2E_PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/sign-in")), page.click('button:has-text("Sign in")')]);
    await page.close();
    return context;
  };
  const session = (role: E2eRole) => {
    let s = sessions.get(role);
    if (!s) {
      s = signIn(role);
      sessions.set(role, s);
    }
    return s;
  };
  return {
    world,
    browser: () => browser!,
    session,
    async open(role, route, shot) {
      const page = await (await session(role)).newPage();
      page.setDefaultTimeout(120_000);
      await page.goto(`${world.url}${route}`);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(SHOTS, `${shot}-${role}.png`), fullPage: true });
      return page;
    },
    async query<T>(role: E2eRole, procedure: string, input: unknown): Promise<T> {
      const res = await (await session(role)).request.get(`${world.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
      expect(res.status(), `${procedure} answered ${res.status()}`).toBe(200);
      return ((await res.json()) as { result: { data: T } }).result.data;
    },
    async mutate(role, procedure, input) {
      const res = await (await session(role)).request.post(`${world.url}/api/trpc/${procedure}`, { data: input, headers: { origin: world.url } });
      return { status: res.status(), body: await res.json().catch(() => null) };
    },
  };
}

export const tenantQuery = `tenant=${E2E_TENANT}`;
