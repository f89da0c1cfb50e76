#!/usr/bin/env node
// `npm start`: builds the dashboard when the build is missing or older than the sources, then runs
// the server (dashboard + OTLP endpoint + embedded store) in one process.
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const buildId = path.join(root, ".next", "BUILD_ID");
const SOURCES = ["app", "server", "metrics", "ingest", "clickhouse", "next.config.ts", "package.json", "postcss.config.mjs"];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== "node_modules") m = Math.max(m, newest(path.join(p, e)));
  return m;
}

const stale = !existsSync(buildId) || SOURCES.some((s) => newest(path.join(root, s)) > statSync(buildId).mtimeMs);
if (stale) {
  console.log("[plumbline] building the dashboard (first start or sources changed)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "main.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
// The server drains and closes the store on SIGINT/SIGTERM; pass them on and wait for it.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
