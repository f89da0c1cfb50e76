import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/server/env";

let cached: string | undefined;

/**
 * The key that signs session JWTs. Set AUTH_SECRET in server mode (several processes must share it);
 * an embedded install generates one on first start and keeps it in the data dir (mode 0600), so
 * sessions survive restarts without anyone having to invent a secret.
 */
export function authSecret(): string {
  if (cached) return cached;
  const e = env();
  if (e.AUTH_SECRET) return (cached = e.AUTH_SECRET);
  if (e.CLICKHOUSE_URL) throw new Error("AUTH_SECRET is required with CLICKHOUSE_URL (server mode): generate one with `openssl rand -base64 33`");
  const file = path.resolve(e.PLUMBLINE_DATA_DIR, "auth-secret");
  try {
    cached = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(33).toString("base64");
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
      cached = secret;
    } catch {
      // Another process won the race to create it: use theirs.
      cached = readFileSync(file, "utf8").trim();
    }
  }
  return cached;
}
