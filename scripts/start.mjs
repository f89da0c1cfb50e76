#!/usr/bin/env node
// `npm start`: builds the dashboard when needed, then runs the server (dashboard + OTLP endpoint +
// embedded store) in one process.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildIfNeeded, root } from "./build-if-needed.mjs";

const status = buildIfNeeded();
if (status !== 0) process.exit(status);

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server", "main.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
// The server drains and closes the store on SIGINT/SIGTERM; pass them on and wait for it.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
