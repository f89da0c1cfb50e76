import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "cluster-check.sh");
const text = readFileSync(SCRIPT, "utf8");

/** The service names under the compose file's top-level `services:` key. */
function composeServices(file: string): Set<string> {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const start = lines.indexOf("services:");
  const out = new Set<string>();
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const m = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

// It cannot run here (no Docker): these are the static checks a shell linter and a reader would make.
describe("scripts/cluster-check.sh", () => {
  it("is an executable bash script that stops on any error, unset variable or failed pipe", () => {
    expect(statSync(SCRIPT).mode & 0o111).not.toBe(0);
    expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
    const syntax = spawnSync("bash", ["-n", SCRIPT], { encoding: "utf8" });
    expect(syntax.stderr).toBe("");
    expect(syntax.status).toBe(0);
  });

  it("uses the cluster compose file, and only services it defines", () => {
    const file = /^COMPOSE_FILE=(\S+)$/m.exec(text)?.[1] ?? "";
    expect(file).toBe("docker-compose.cluster.yml");
    const services = composeServices(file);
    expect(services).toContain("ch-s2r1");
    const named = [...text.matchAll(/\bcompose (?:kill --signal \w+|start|stop|exec -T|restart) ([a-z0-9-]+)/g)].map((m) => m[1] ?? "");
    expect(named).toEqual(expect.arrayContaining(["ch-s2r1", "web"]));
    for (const s of named) expect(services, s).toContain(s);
  });

  it("runs the suite and the replica check against the cluster, and fails when either fails", () => {
    for (const v of ["CLICKHOUSE_URL", "CLICKHOUSE_CLUSTER", "CLICKHOUSE_DATABASE", "CLICKHOUSE_USER"]) expect(text).toMatch(new RegExp(`^export ${v}=`, "m"));
    expect(text).toContain("npx vitest run --project unit");
    for (const m of text.matchAll(/scripts\/[\w-]+\.ts/g)) expect(existsSync(path.join(ROOT, m[0])), m[0]).toBe(true);
    expect(text.trimEnd().split("\n").at(-1)).toBe('[[ "$suite" == "0" && "$ingest" == "0" ]]');
    // The port the suite talks to is published, on loopback only.
    expect(readFileSync(path.join(ROOT, "docker-compose.cluster.yml"), "utf8")).toContain('"127.0.0.1:8123:8123"');
  });
});
