#!/usr/bin/env node
// Compiles the Node processes (dashboard server, ingest, alerts, the `plumbline` command) to plain
// JavaScript and completes Next's standalone output with them, so the production image runs no
// TypeScript and installs nothing: `.next/standalone` is the whole application. Run after `next build`
// (next.config.ts sets `output: "standalone"`). `npm start` does not need this; it runs the sources.
//
//   node scripts/build-server.mjs
//
// Then `.next/standalone` runs as it will in the image, e.g.
//   cd .next/standalone && PLUMBLINE_DATA_DIR=/tmp/pl node dist/main.mjs
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
// Next traces its own pages with this copy of @vercel/nft; the processes' dependencies are traced the same way.
import nft from "next/dist/compiled/@vercel/nft/index.js";
import { nodeBundleOptions } from "./node-bundle.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const standalone = path.join(root, ".next", "standalone");
// Compiled beside the full install first, so the trace below resolves packages from it.
const out = path.join(root, ".next", "server-dist");

if (!existsSync(path.join(standalone, "server.js"))) {
  console.error("build-server: .next/standalone is missing; run `next build` first (output: \"standalone\")");
  process.exit(1);
}

/** Entry points: output name → source. One bundle of our code each; packages stay in node_modules. */
const ENTRIES = {
  "server-main": "server/main.ts",
  ingest: "ingest/server.ts",
  alerts: "server/alerts/main.ts",
  "cli-main": "server/cli/main.ts",
  // Started by ingest/otlp/map-pool.ts through map-worker-boot.mjs, which must sit beside the chunk that starts it.
  "map-worker": "ingest/otlp/map-worker.ts",
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({ ...nodeBundleOptions(root), entryPoints: ENTRIES, outdir: out, sourcemap: "linked" });

const write = (name, text) => writeFileSync(path.join(out, name), text);
// The source tree's boot file registers tsx first; compiled, the worker is plain JavaScript.
write("map-worker-boot.mjs", 'import "./map-worker.mjs";\n');
// A custom server reads next.config.ts at start unless handed the built config, as Next's own standalone server.js is.
const { config } = JSON.parse(readFileSync(path.join(root, ".next", "required-server-files.json"), "utf8"));
write("next-config.json", `${JSON.stringify(config)}\n`);
write(
  "main.mjs",
  `// The dashboard process (dashboard, OTLP endpoint, migrations, alerts): server/main.ts, compiled.
import { readFileSync } from "node:fs";
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= readFileSync(new URL("./next-config.json", import.meta.url), "utf8");
await import("./server-main.mjs");
`,
);
write(
  "plumbline.mjs",
  `// The \`plumbline\` command (bin/plumbline.mjs), compiled.
import { main } from "./cli-main.mjs";
process.exitCode = await main(process.argv.slice(2));
`,
);

// Add to the standalone node_modules what the compiled processes import and Next's trace of the pages left out.
const { fileList } = await nft.nodeFileTrace(
  ["main.mjs", "ingest.mjs", "alerts.mjs", "plumbline.mjs", "map-worker.mjs"].map((f) => path.join(out, f)),
  { base: root, processCwd: root },
);
let copied = 0;
for (const file of fileList) {
  if (!file.startsWith("node_modules/")) continue;
  const to = path.join(standalone, file);
  if (existsSync(to)) continue;
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(path.join(root, file), to, { recursive: true, dereference: true });
  copied += 1;
}
const dist = path.join(standalone, "dist");
rmSync(dist, { recursive: true, force: true });
cpSync(out, dist, { recursive: true });
// chDB's engine is a shared library its addon loads by path, which no tracer sees: copy the platform package whole.
for (const dir of ["node_modules/@chdb"]) cpSync(path.join(root, dir), path.join(standalone, dir), { recursive: true, dereference: true });
// Next leaves the browser assets out of the standalone folder, for a CDN to serve; Plumbline serves them itself.
cpSync(path.join(root, ".next", "static"), path.join(standalone, ".next", "static"), { recursive: true });
// Migrations are read from the working directory when the module no longer sits beside them (clickhouse/migrate.ts).
cpSync(path.join(root, "clickhouse", "migrations"), path.join(standalone, "clickhouse", "migrations"), { recursive: true });

console.log(`build-server: ${Object.keys(ENTRIES).length} entry points compiled into .next/standalone/dist; ${copied} traced files added to its node_modules`);
