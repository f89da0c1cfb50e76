import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * A running embedded server owns the data directory (chDB locks it). It advertises itself in a file
 * inside that directory, readable only by its owner, so the CLI can hand commands to it instead of
 * meeting a lock error.
 */
const FILE = "plumbline-server.json";

const advert = z.object({ pid: z.number().int(), port: z.number().int(), token: z.string().min(32), startedAt: z.string() });
export type ServerAdvert = z.infer<typeof advert>;

export function advertiseServer(dataDir: string, port: number): ServerAdvert {
  const ad: ServerAdvert = { pid: process.pid, port, token: randomBytes(32).toString("hex"), startedAt: new Date().toISOString() };
  writeFileSync(path.join(dataDir, FILE), JSON.stringify(ad), { mode: 0o600 });
  return ad;
}

export function withdrawServer(dataDir: string, ad: ServerAdvert): void {
  const current = readAdvert(dataDir);
  if (current?.token === ad.token) rmSync(path.join(dataDir, FILE), { force: true });
}

export function readAdvert(dataDir: string): ServerAdvert | undefined {
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = advert.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The advert of a server that is still alive, or undefined. */
export function liveServer(dataDir: string): ServerAdvert | undefined {
  const ad = readAdvert(dataDir);
  if (!ad) return undefined;
  try {
    process.kill(ad.pid, 0);
    return ad;
  } catch {
    return undefined;
  }
}

export function tokenMatches(ad: ServerAdvert, presented: string | undefined | null): boolean {
  if (!presented) return false;
  const a = Buffer.from(ad.token);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const remoteRequest = z.object({
  argv: z.array(z.string()).max(200),
  cwd: z.string(),
  actor: z.string().max(200),
});
export type RemoteRequest = z.infer<typeof remoteRequest>;

/** One NDJSON line of the server's answer. */
export const remoteLine = z.union([
  z.object({ progress: z.string() }),
  z.object({ result: z.unknown(), text: z.string() }),
  z.object({ error: z.string(), exitCode: z.number().int() }),
]);
export type RemoteLine = z.infer<typeof remoteLine>;
