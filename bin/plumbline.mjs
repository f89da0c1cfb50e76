#!/usr/bin/env node
// The `plumbline` command: loads the TypeScript CLI through tsx (no separate build step).
import { register } from "tsx/esm/api";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import("../server/cli/main.ts");
const code = await main(process.argv.slice(2));
process.exitCode = code;
