import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");

/** Runs `npm run alerts` (server/alerts/main.ts) as a real process until it exits; its code and output. */
function runAlerts(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "alerts", "main.ts")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("the standalone alerts process", () => {
  it("does not migrate an empty store: it refuses with what to do instead", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "plumbline-alerts-"));
    try {
      const { code, output } = await runAlerts({ PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_SCHEMA_WAIT_SECONDS: "0" });
      expect(code, output).toBe(1);
      expect(output).toContain("[alerts] could not start: The store's schema is not migrated");
      expect(output).toContain("0001_create_control_tables.sql");
      expect(output).toContain("the alerts process does not migrate");
      // Had it migrated, the schema would be complete and the evaluator would have started instead.
      expect(output).not.toMatch(/applied 0001/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
