import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const check = (file?: string) =>
  spawnSync(process.execPath, [path.join(root, "scripts", "check-lockfile.mjs"), ...(file ? [file] : [])], { encoding: "utf8" });

describe("the lockfile check", () => {
  it("passes on the repository's lockfile, naming chdb's engine for each platform", () => {
    const r = check();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const lib of ["lib-linux-x64-gnu", "lib-linux-arm64-gnu", "lib-darwin-arm64", "lib-darwin-x64"]) expect(r.stdout).toContain(`@chdb/${lib}`);
  });

  it("fails when a platform's native package is missing, as a lockfile written on one machine can be", () => {
    const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    delete lock.packages["node_modules/@chdb/lib-darwin-arm64"];
    delete lock.packages["node_modules/@next/swc-darwin-x64"];
    const file = path.join(mkdtempSync(path.join(tmpdir(), "plumbline-lock-")), "package-lock.json");
    writeFileSync(file, JSON.stringify(lock));
    const r = check(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("chdb: no native package for darwin-arm64");
    expect(r.stderr).toContain("next wants @next/swc-darwin-x64");
  });
});
