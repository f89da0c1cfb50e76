import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";

/**
 * Browser-test harness: builds `.next` only when missing or stale (it is shared with the other
 * engineers; the build script's lock keeps two test files from building at once), starts the real server
 * (`node --import tsx server/main.ts`) on its own port and data dir, and launches Chromium.
 */
const root = path.resolve(import.meta.dirname, "..");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Runs scripts/build-if-needed.mjs (the same check `npm start` makes; it holds the build lock itself).
 * PLUMBLINE_E2E_REUSE_BUILD=1 uses an existing `.next` as is, for quick reruns while sources change.
 */
export async function buildIfNeeded(): Promise<void> {
  if (process.env.PLUMBLINE_E2E_REUSE_BUILD === "1" && existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-needed.mjs")], { cwd: root, encoding: "utf8", env: { ...process.env, PLUMBLINE_DATA_DIR: "" } });
  if (r.status !== 0) throw new Error(`next build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface RunningServer {
  url: string;
  dataDir: string;
  logs: string[];
  stop(): Promise<void>;
}

/** Runs a CLI command against a data dir before the server holds it (chDB: one process per dir). */
export function cli(dataDir: string, args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "plumbline.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`plumbline ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), "plumbline-e2e-"));
}

/** Starts the server and resolves once it logs "ready"; rejects with its output when it exits first. */
export async function startServer(dataDir: string, port: number, env: Record<string, string>): Promise<RunningServer> {
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      PLUMBLINE_DATA_DIR: dataDir,
      PLUMBLINE_DEMO: "0",
      PLUMBLINE_OTLP_PORT: String(await freePort()),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of String(chunk).split("\n")) if (line) logs.push(line);
      if (logs.some((l) => l.includes("ready on"))) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(() => reject(new Error(`server exited before it was ready:\n${logs.join("\n")}`)));
  });
  return {
    url: `http://localhost:${port}`,
    dataDir,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000).then(() => child.kill("SIGKILL"))]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
