import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ESM script shared with `npm start`; it has no type declarations.
import { buildIfNeeded } from "../scripts/build-if-needed.mjs";

/**
 * The embedded server as a user runs it: a real process on a fresh data directory. These tests need
 * the dashboard build; `npm install` makes it (postinstall), and it is rebuilt here if stale.
 */
const root = path.resolve(import.meta.dirname, "..");

interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
  exited: Promise<number | string | null>;
}

function start(dataDir: string, port: number, extra: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "main.ts")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_OTLP_PORT: "0", PLUMBLINE_ALERTS: "0", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) (w.re.test(out) ? w.resolve : () => waiters.push(w))();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  // A death by signal shows as the signal's name, so a crash on shutdown is told apart from a code.
  const exited = new Promise<number | string | null>((r) => child.on("exit", (code, signal) => r(code ?? signal)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${out}`)), ms);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then(() => setTimeout(() => reject(new Error(`exited before ${re}; output:\n${out}`)), 50));
      }),
  };
}

const port = () => 20_000 + Math.floor(Math.random() * 20_000);

function cli(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "bin", "plumbline.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir },
    encoding: "utf8",
  });
}

describe("the embedded server", () => {
  beforeAll(() => {
    expect(buildIfNeeded({ quiet: true })).toBe(0);
  }, 600_000);

  it("serves health, loads the demo once, stops cleanly on SIGINT and restarts on the same data", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-start-"));
    const p = port();
    const first = start(dir, p);
    await first.waitFor(/ready on/);
    expect(first.output()).toMatch(/demo tenant demo: \d+ runs/);
    const res = await fetch(`http://localhost:${p}/api/health`);
    // Anonymous: status and store only (the version and migrations are for admins, issue 24).
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", store: "embedded" });

    // While it runs, the CLI goes through the server instead of meeting the directory lock.
    const listed = cli(dir, "tenants", "list", "--json");
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { slug: string }[]).map((t) => t.slug).sort()).toEqual(["demo", "demo-clinic"]);

    first.child.kill("SIGINT");
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toContain("stopped cleanly");

    const second = start(dir, p);
    await second.waitFor(/ready on/);
    expect(second.output()).not.toMatch(/loading demo tenant/);
    expect(second.output()).toMatch(/schema: 0 applied/);
    second.child.kill("SIGTERM");
    expect(await second.exited, second.output()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it("refuses a second process on the same data directory, naming the directory", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-lock-"));
    const holder = spawn(process.execPath, ["-e", `const {Session}=require("chdb"); new Session(${JSON.stringify(dir)}); console.log("held"); setInterval(()=>{}, 1000);`], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((r) => holder.stdout?.once("data", () => r()));
    try {
      const second = start(dir, port(), { PLUMBLINE_DEMO: "0" });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`The data directory ${dir} is already in use`);
    } finally {
      holder.kill("SIGKILL");
    }
  }, 120_000);

  it("does not start when a migration fails, and names the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-mig-"));
    expect(cli(dir, "migrate").status).toBe(0);
    // A ledger that disagrees with the file on disk: the server must stop before serving anything.
    const tamper = spawnSync(
      process.execPath,
      ["-e", `const {Session}=require("chdb"); const s=new Session(${JSON.stringify(dir)}); s.query("INSERT INTO schema_migrations (version, file, checksum) VALUES (2, '0002_create_telemetry_tables.sql', 'edited')"); s.close();`],
      { cwd: root, encoding: "utf8" },
    );
    expect(tamper.status, tamper.stderr).toBe(0);
    const p = start(dir, port(), { PLUMBLINE_DEMO: "0" });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/could not start: Migration 0002_create_telemetry_tables\.sql was changed/);
    expect(p.output()).not.toMatch(/ready on/);
  }, 120_000);
});
