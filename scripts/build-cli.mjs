// Compiles the `plumbline` command (server/cli/main.ts) to one JavaScript bundle with a chunk per
// lazily loaded command, so a command starts without tsx transpiling the sources at every run:
// 1.7–4 s per command through tsx, most of it start-up (issue 25). bin/plumbline.mjs runs the bundle
// while none of its inputs changed after it was built, and rebuilds it (about 0.3 s) when one did.
// `npm install` and `npm start` build it ahead (scripts/build-if-needed.mjs).
//
//   node scripts/build-cli.mjs
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBundleOptions } from "./node-bundle.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Inside node_modules so the bundle resolves packages (kept external) from the project's install.
export const CLI_CACHE = path.join(root, "node_modules", ".cache", "plumbline-cli");
const MANIFEST = path.join(CLI_CACHE, "manifest.json");

/** The built bundle's entry file, or undefined when there is none or a source it was built from changed since. */
export function freshCliEntry() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
  for (const input of manifest.inputs) {
    try {
      if (statSync(path.join(root, input)).mtimeMs > manifest.builtAt) return undefined;
    } catch {
      return undefined;
    }
  }
  return path.join(CLI_CACHE, manifest.dir, "cli-main.mjs");
}

/** Builds into a new directory and then points the manifest at it, so a command running meanwhile keeps its chunks. */
export async function buildCli() {
  const { build } = await import("esbuild");
  const builtAt = Date.now();
  const dir = `build-${builtAt}-${process.pid}`;
  const result = await build({ ...nodeBundleOptions(root), entryPoints: { "cli-main": "server/cli/main.ts" }, outdir: path.join(CLI_CACHE, dir), metafile: true });
  const inputs = [...new Set(Object.values(result.metafile.outputs).flatMap((o) => Object.keys(o.inputs)))].filter((f) => !f.startsWith("node_modules/"));
  const tmp = `${MANIFEST}.${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ builtAt, dir, inputs })}\n`);
  renameSync(tmp, MANIFEST);
  // Builds older than an hour are no longer in use by any command.
  for (const old of readdirSync(CLI_CACHE)) {
    if (old.startsWith("build-") && old !== dir && builtAt - Number(old.split("-")[1]) > 3_600_000) rmSync(path.join(CLI_CACHE, old), { recursive: true, force: true });
  }
  return path.join(CLI_CACHE, dir, "cli-main.mjs");
}

mkdirSync(CLI_CACHE, { recursive: true });
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`build-cli: ${path.relative(root, await buildCli())}`);
}
