#!/usr/bin/env node
// Builds the dashboard when `.next` is missing or older than the sources. Used by `npm start`,
// by `npm install` (postinstall, so the first start is quick) and by the browser tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SOURCES = ["app", "server", "metrics", "ingest", "clickhouse", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs"];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== "node_modules" && e !== "fixtures") m = Math.max(m, newest(path.join(p, e)));
  return m;
}

export function buildIsStale() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newest(path.join(root, s)) > built);
}

const LOCK = path.join(root, ".next-build.lock");
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One build at a time on this checkout (test files in parallel workers may all ask for one). */
function withLock(fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed process.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for another build (${LOCK})`);
      sleep(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Returns the exit status of the build (0 when nothing needed building). */
export function buildIfNeeded({ quiet = false } = {}) {
  if (!existsSync(path.join(root, "app"))) return 0; // installing dependencies before the sources exist (Docker layer)
  if (!buildIsStale()) return 0;
  return withLock(() => (buildIsStale() ? build(quiet) : 0));
}

function build(quiet) {
  const started = Date.now();
  if (!quiet) console.log("[plumbline] building the dashboard (first start or sources changed)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0 && quiet) process.stderr.write(`${r.stdout}${r.stderr}`);
  // Date the build by when it started: a source edited while it ran must make it stale.
  if (r.status === 0) utimesSync(path.join(root, ".next", "BUILD_ID"), started / 1000, started / 1000);
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const status = buildIfNeeded();
  // The `plumbline` command's bundle too, so its first run is quick. Not while only this file is there
  // (the Docker install layer); without esbuild the command runs through tsx.
  if (status === 0 && existsSync(path.join(root, "scripts", "build-cli.mjs"))) {
    try {
      const { buildCli, freshCliEntry } = await import("./build-cli.mjs");
      if (!freshCliEntry()) await buildCli();
    } catch (err) {
      console.warn(`[plumbline] CLI bundle not built (${err.message}); the command will use tsx`);
    }
  }
  process.exit(status);
}
