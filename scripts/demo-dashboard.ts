/**
 * The real server on the demo data in a temp dir, one person signed in through the sign-in page in
 * headless Chromium at 1280×900: what bench:ui measures and scripts/screenshots.ts photographs.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { cli, freePort, launchBrowser, startServer, tempDataDir } from "../e2e/harness";

const root = path.resolve(import.meta.dirname, "..");

export interface DemoDashboard {
  url: string;
  /** The server's data directory: a `plumbline` command pointed at it runs inside the server. */
  dataDir: string;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openDemoDashboard(role: "admin" | "executive"): Promise<DemoDashboard> {
  const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-needed.mjs")], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const dataDir = tempDataDir();
  cli(dataDir, ["migrate"]);
  cli(dataDir, ["demo"]);
  const email = `${role}@demo.test`;
  const password = `${role} demo password 123`;
  const passwordFile = path.join(dataDir, "password.txt");
  writeFileSync(passwordFile, password);
  cli(dataDir, ["users", "create", "--email", email, "--role", role, "--tenant", "demo", "--password-file", passwordFile]);
  const server = await startServer(dataDir, await freePort(), { PLUMBLINE_DEMO: "0", PLUMBLINE_ALERTS: "0" });
  const browser = await launchBrowser();
  const close = async () => {
    await browser.close();
    await server.stop();
  };
  try {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
    const signIn = await context.newPage();
    await signIn.goto(`${server.url}/sign-in`);
    await signIn.fill('input[name="email"]', email);
    await signIn.fill('input[name="password"]', password);
    await Promise.all([signIn.waitForURL((u) => !u.pathname.startsWith("/sign-in")), signIn.click('button:has-text("Sign in")')]);
    await signIn.close();
    return { url: server.url, dataDir, context, close };
  } catch (err) {
    await close();
    throw err;
  }
}
