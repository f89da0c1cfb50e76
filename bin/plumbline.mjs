#!/usr/bin/env node
// The `plumbline` command. Runs the compiled bundle (scripts/build-cli.mjs), rebuilt when a source
// changed; without esbuild (a production install) it falls back to loading the TypeScript through tsx.
import { fileURLToPath } from "node:url";
import path from "node:path";
import { buildCli, freshCliEntry } from "../scripts/build-cli.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

async function load() {
  // PLUMBLINE_CLI_SOURCE=1 runs the sources through tsx: what every command did before the bundle (bench:ui compares).
  const entry = process.env.PLUMBLINE_CLI_SOURCE === "1" ? undefined : (freshCliEntry() ?? (await buildCli().catch(() => undefined)));
  if (entry) return import(entry);
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: path.join(root, "tsconfig.json") });
  return import("../server/cli/main.ts");
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
