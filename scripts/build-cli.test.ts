import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildCli, freshCliEntry } from "./build-cli.mjs";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "plumbline-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, [file, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, PLUMBLINE_DATA_DIR: dataDir } });

// Each command opens the embedded store in a process of its own: slow on a loaded machine.
describe("the compiled CLI", { timeout: 300_000 }, () => {
  it("is what the command runs once built, until a source it was built from changes", async () => {
    const entry = (await buildCli()) as string;
    expect(freshCliEntry()).toBe(entry);
  });

  it("runs commands from the bundle alone: help, migrate and health on an empty data directory", () => {
    const entry = freshCliEntry() as string;
    // The bundle's entry exports main; run it directly so no tsx is involved.
    const boot = path.join(path.dirname(entry), "boot.mjs");
    writeFileSync(boot, 'import { main } from "./cli-main.mjs";\nprocess.exitCode = await main(process.argv.slice(2));\n');
    const help = run(boot, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("tenants list");
    expect(run(boot, ["migrate"]).status).toBe(0);
    const health = run(boot, ["health", "--json"]);
    expect(health.stderr).toBe("");
    const h = JSON.parse(health.stdout) as { status: string; tenants: number; migrations: { pending: string[] } };
    expect(h.migrations.pending).toEqual([]);
    expect(h.tenants).toBe(0);
  });

  it("answers through bin/plumbline.mjs the same way, with a readable error for an unknown command", () => {
    const r = run(path.join(root, "bin", "plumbline.mjs"), ["tenants", "list", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const bad = run(path.join(root, "bin", "plumbline.mjs"), ["frobnicate"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown command "frobnicate"');
  });
});
