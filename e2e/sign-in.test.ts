import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIfNeeded, cli, freePort, launchBrowser, startServer, tempDataDir, type RunningServer } from "./harness";
import { startIssuer, type Issuer } from "./oidc-issuer";

const ADMIN = { email: "admin@example.test", password: "e2e admin password" };
const TENANT = "e2e";

let server: RunningServer;
let issuer: Issuer;
let browser: Browser;
let appUrl = "";

beforeAll(async () => {
  await buildIfNeeded();
  const dataDir = tempDataDir();
  cli(dataDir, ["migrate"]);
  cli(dataDir, ["tenants", "create", TENANT, "--name", "E2E Firm"]);
  // The issuer needs the app's redirect URI and the app needs the issuer: pick the app's port first.
  const port = await freePort();
  appUrl = `http://localhost:${port}`;
  issuer = await startIssuer(`${appUrl}/api/auth/callback/oidc`, "ops");
  server = await startServer(dataDir, port, {
    PLUMBLINE_ADMIN_EMAIL: ADMIN.email,
    PLUMBLINE_ADMIN_PASSWORD: ADMIN.password,
    PLUMBLINE_OIDC_ISSUER: issuer.url,
    PLUMBLINE_OIDC_CLIENT_ID: issuer.clientId,
    PLUMBLINE_OIDC_CLIENT_SECRET: issuer.clientSecret,
    PLUMBLINE_OIDC_NAME: "Test IdP",
    PLUMBLINE_OIDC_TENANT: TENANT,
    PLUMBLINE_OIDC_ROLE_CLAIM: "plumbline_role",
  });
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  if (process.env.PLUMBLINE_E2E_LOGS === "1") console.log(server?.logs.join("\n"));
  await browser?.close();
  await server?.stop();
  await issuer?.close();
});

/** Opens the sign-in page, submits the form, and waits until it leaves the page or shows the error. */
async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== "/sign-in" || u.searchParams.get("error") === "1"),
    page.click('button:has-text("Sign in")'),
  ]);
}

// A <p>: Next.js's route announcer is also role=alert (in a shadow root Playwright pierces).
const failure = 'p[role="alert"]';

describe("signing in", () => {
  it("sends an unauthenticated visitor from a dashboard page to the sign-in page and back", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/overview`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.fill('input[name="email"]', ADMIN.email);
    await page.fill('input[name="password"]', ADMIN.password);
    await Promise.all([page.waitForURL(`${server.url}/overview`), page.click('button:has-text("Sign in")')]);
    expect(new URL(page.url()).pathname).toBe("/overview");
    await expect(page.textContent('[data-testid="signed-in-as"]')).resolves.toContain(ADMIN.email);
    await page.close();
  });

  it("shows one message for a wrong password and an unknown account", async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN.email, "not the password at all");
    const wrong = await page.textContent(failure);
    await signIn(page, `nobody-${randomUUID()}@example.test`, ADMIN.password);
    expect(await page.textContent(failure)).toBe(wrong);
    await page.close();
  });

  it("answers the tRPC API only with a session, and lets an admin export the audit log", async () => {
    const anonymous = await browser.newContext();
    const denied = await anonymous.request.get(`${server.url}/api/trpc/me.tenants`);
    expect(denied.status()).toBe(401);
    await anonymous.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, ADMIN.email, ADMIN.password);
    const input = encodeURIComponent(JSON.stringify({ tenant: TENANT }));
    const listed = await context.request.get(`${server.url}/api/trpc/workflows.list?input=${input}`);
    expect(listed.status()).toBe(200);
    const csv = await context.request.get(`${server.url}/api/audit/export?tenant=${TENANT}`);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toContain("actor_email");
    expect(lines.some((l) => l.includes("workflows.list") && l.includes(ADMIN.email))).toBe(true);
    const again = await context.request.get(`${server.url}/api/audit/export?tenant=${TENANT}`);
    expect((await again.text()).includes("audit.export")).toBe(true);
    await context.close();
  });

  it("keeps the health check public and sends security headers", async () => {
    const context = await browser.newContext();
    const health = await context.request.get(`${server.url}/api/health`);
    expect(health.status()).toBe(200);
    const page = await context.request.get(`${server.url}/sign-in`);
    const h = page.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    await context.close();
  });

  it("signs out, after which dashboard pages send to sign-in again", async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN.email, ADMIN.password);
    await Promise.all([page.waitForURL(/\/sign-in/), page.click('button:has-text("Sign out")')]);
    await page.goto(`${server.url}/overview`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.close();
  });

  it("signs in through the OIDC provider, creating the member with the claimed role", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/sign-in`);
    await Promise.all([page.waitForURL(`${issuer.url}/**`), page.click('button:has-text("Sign in with Test IdP")')]);
    await page.fill('input[name="login"]', "olivia");
    await page.fill('input[name="password"]', "any password: the development login accepts it");
    await page.click('button:has-text("Sign-in")');
    await page.waitForSelector('button:has-text("Continue")');
    // No page was asked for: the member lands on their role's first page, the queue for ops.
    await Promise.all([page.waitForURL(`${server.url}/exceptions`), page.click('button:has-text("Continue")')]);
    await expect(page.textContent('[data-testid="signed-in-as"]')).resolves.toContain("olivia@idp.test");
    const tenants = await page.request.get(`${server.url}/api/trpc/me.tenants`);
    expect(JSON.stringify(await tenants.json())).toContain('"role":"ops"');
    await page.close();
  });

  it("refuses even the right password after 10 failures in a minute, with the same message", async () => {
    const page = await browser.newPage();
    for (let i = 0; i < 10; i++) await signIn(page, ADMIN.email, `wrong guess number ${i}`);
    const failed = await page.textContent(failure);
    await signIn(page, ADMIN.email, ADMIN.password);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await page.textContent(failure)).toBe(failed);
    await page.close();
  });
});

describe("the first start, before any user exists", () => {
  let empty: RunningServer | undefined;
  afterAll(async () => {
    await empty?.stop();
  });

  it("tells the visitor of the sign-in page how to create the first admin, and stops once one exists", async () => {
    const dataDir = tempDataDir();
    cli(dataDir, ["migrate"]);
    empty = await startServer(dataDir, await freePort(), {});
    const page = await browser.newPage();
    await page.goto(`${empty.url}/sign-in`);
    const hint = await page.textContent('[data-testid="first-admin-hint"]');
    expect(hint).toContain("No account exists yet");
    expect(hint).toContain("plumbline users setup-link");
    // The server that has users (ADMIN, from its environment) shows no such hint.
    await page.goto(`${server.url}/sign-in`);
    expect(await page.locator('[data-testid="first-admin-hint"]').count()).toBe(0);
    await page.close();
    // A migration and a server start of its own: minutes on a loaded two-core machine.
  }, 600_000);
});
