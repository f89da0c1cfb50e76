import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The secret tenant hash keys derive from. Set PLUMBLINE_SECRET in production (and the same value in
 * every ingest process, or subject hashes would differ between them). Embedded mode without it
 * generates one once and keeps it beside the data, so hashes stay stable across restarts.
 */
export function resolveServerSecret(input: { secret?: string; dataDir?: string }): string {
  if (input.secret) return input.secret;
  if (!input.dataDir) {
    throw new Error("PLUMBLINE_SECRET is required when ClickHouse runs as a server (CLICKHOUSE_URL): every ingest process must share it");
  }
  const file = path.join(input.dataDir, "plumbline-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(input.dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    // "wx": two processes starting at once must not overwrite each other's secret.
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return readFileSync(file, "utf8").trim();
    }
  }
}
