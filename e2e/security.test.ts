import http from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIfNeeded, cli, freePort, launchBrowser, startServer, tempDataDir, type RunningServer } from "./harness";

/**
 * Issue 24 in a real browser against the real server: a page on another loopback port (the same
 * site, so the Lax session cookie rides along) tries an import, a tRPC mutation and an audited tRPC
 * read; a session token is replayed after sign-out; pages and machine routes carry their headers.
 */
const TENANT = "firm";
const PASSWORD = "security e2e password";
const ADMIN = "admin@security.test";

let server: RunningServer;
let browser: Browser;
let attacker: http.Server;
let attackerUrl = "";
let otlpPort = 0;

beforeAll(async () => {
  await buildIfNeeded();
  const dataDir = tempDataDir();
  cli(dataDir, ["migrate"]);
  cli(dataDir, ["tenants", "create", TENANT]);
  const passwordFile = path.join(dataDir, "password.txt");
  writeFileSync(passwordFile, PASSWORD);
  cli(dataDir, ["users", "create", "--email", ADMIN, "--role", "admin", "--tenant", TENANT, "--password-file", passwordFile]);
  otlpPort = await freePort();
  server = await startServer(dataDir, await freePort(), { PLUMBLINE_ALERTS: "0", PLUMBLINE_OTLP_PORT: String(otlpPort) });
  browser = await launchBrowser();
  attacker = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(attackPage(server.url)));
  await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
  attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
  await server?.stop();
});

/** What a hostile page does with the victim's cookie: fire-and-forget requests it cannot read. */
function attackPage(target: string): string {
  const script = `
    (async () => {
      const form = new FormData();
      form.set("tenant", ${JSON.stringify(TENANT)});
      form.set("workflow", "forged-import");
      form.set("mode", "commit");
      form.set("file", new File(["case,activity,timestamp\\nA,x,2025-01-02 09:00\\n"], "forged.csv", { type: "text/csv" }));
      const opts = { mode: "no-cors", credentials: "include" };
      await fetch(${JSON.stringify(`${target}/api/baseline/import`)}, { ...opts, method: "POST", body: form }).catch(() => undefined);
      await fetch(${JSON.stringify(`${target}/api/trpc/groups.save`)}, { ...opts, method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ tenant: ${JSON.stringify(TENANT)}, name: "forged-group", workflows: ["x"] }) }).catch(() => undefined);
      await fetch(${JSON.stringify(`${target}/api/trpc/groups.list?input=${encodeURIComponent(JSON.stringify({ tenant: TENANT }))}`)}, opts).catch(() => undefined);
      document.title = "done";
    })();`;
  return `<!doctype html><html><head><title>waiting</title></head><body><script>${script}</script></body></html>`;
}

async function signedIn(): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name="email"]', ADMIN);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/sign-in")), page.click('button:has-text("Sign in")')]);
  await page.close();
  return context;
}

async function query<T>(context: BrowserContext, procedure: string, input: unknown): Promise<T> {
  const res = await context.request.get(`${server.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.status(), `${procedure} answered ${res.status()}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

describe("a page on another origin", () => {
  it("cannot import, mutate through tRPC or cause an audited read as the signed-in admin", async () => {
    const context = await signedIn();
    const page = await context.newPage();
    await page.goto(attackerUrl);
    await page.waitForFunction(() => document.title === "done", undefined, { timeout: 60_000 });
    await page.close();

    const groups = await query<{ name: string }[]>(context, "groups.list", { tenant: TENANT });
    expect(groups.map((g) => g.name)).not.toContain("forged-group");
    const events = await query<{ action: string }[]>(context, "audit.list", { tenant: TENANT });
    const actions = events.map((e) => e.action);
    expect(actions).not.toContain("baseline.import");
    expect(actions).not.toContain("groups.save");
    // The only groups.list read is this test's own, made above without browser headers.
    expect(actions.filter((a) => a === "groups.list")).toHaveLength(1);
    expect(server.logs.join("\n")).toMatch(/refused POST \/api\/baseline\/import/);
    expect(server.logs.join("\n")).toMatch(/refused POST \/api\/trpc\/groups\.save/);

    // The same requests from the app's own origin go through: the refusal is about the origin.
    const own = await context.newPage();
    await own.goto(`${server.url}/settings`);
    const status = await own.evaluate(async (tenant) => {
      const res = await fetch("/api/trpc/groups.save", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant, name: "own-group", workflows: ["x"] }) });
      return res.status;
    }, TENANT);
    expect(status).toBe(200);
    await context.close();
  }, 180_000);
});

describe("a forged X-Forwarded-For", () => {
  it("is not what the audit log records as the IP", async () => {
    const context = await signedIn();
    const res = await context.request.get(`${server.url}/api/trpc/ingestKeys.list?input=${encodeURIComponent(JSON.stringify({ tenant: TENANT }))}`, {
      headers: { "x-forwarded-for": "203.0.113.66", "x-plumbline-client-ip": "203.0.113.67", "x-real-ip": "203.0.113.68" },
    });
    expect(res.status()).toBe(200);
    const events = await query<{ action: string; ip: string }[]>(context, "audit.list", { tenant: TENANT, action: "ingestKeys.list" });
    // The settings page read it too (first test); every read has the socket's address, none the headers'.
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set(["127.0.0.1"]));
    await context.close();
  }, 120_000);
});

describe("a session token", () => {
  it("replayed after sign-out gets 401 from tRPC", async () => {
    const context = await signedIn();
    const token = (await context.cookies()).find((c) => /authjs\.session-token/.test(c.name));
    expect(token).toBeDefined();
    const replay = () => fetch(`${server.url}/api/trpc/me.tenants`, { headers: { cookie: `${token!.name}=${token!.value}` } }).then((r) => r.status);
    expect(await replay()).toBe(200);
    const page = await context.newPage();
    await page.goto(`${server.url}/overview`);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/sign-in")), page.click('button:has-text("Sign out")')]);
    expect(await replay()).toBe(401);
    await context.close();
  }, 120_000);
});

describe("headers", () => {
  it("give pages a nonce CSP without unsafe-inline scripts, and the page still runs", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${server.url}/sign-in`);
    const csp = res?.headers()["content-security-policy"] ?? "";
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
    // Every script Next.js wrote carries it, and the page hydrated (the sign-in form works below).
    const nonces = await page.$$eval("script", (s) => s.map((x) => x.nonce));
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([nonce]));
    await page.waitForLoadState("networkidle");
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it("let a signed-in dashboard page load and run its scripts with no CSP violation", async () => {
    const context = await signedIn();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/settings`);
    await page.waitForLoadState("networkidle");
    // A client component answering a click proves hydration ran under the policy.
    await page.fill('input[name="member-email"]', "someone@example.test");
    expect(await page.isEnabled('button:has-text("Add member")')).toBe(true);
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it("reach the API and OTLP routes, and health says only status and store", async () => {
    for (const [url, init] of [
      [`${server.url}/v1/traces`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }],
      [`http://127.0.0.1:${otlpPort}/v1/traces`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }],
      [`${server.url}/api/health`, {}],
      [`${server.url}/api/trpc/me.tenants`, {}],
    ] as const) {
      const res = await fetch(url, init);
      expect(res.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), url).toBe("DENY");
      expect(res.headers.get("content-security-policy"), url).toContain("default-src 'none'");
      if (url.endsWith("/api/health")) expect(await res.json()).toEqual({ status: "ok", store: "embedded" });
    }
  });
});
