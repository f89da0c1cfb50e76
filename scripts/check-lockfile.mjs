#!/usr/bin/env node
// Checks that package-lock.json can install on every platform Plumbline supports, without a registry.
//
// npm writes into the lockfile only the optional packages it could resolve where it ran. A lockfile
// made on one machine can therefore lack another platform's native binary (chdb's engine, Next's SWC,
// Tailwind's oxide, lightningcss, esbuild), and `npm ci` there then installs a package with no binary:
// nothing fails until the first start. This script reads the lockfile only.
//
//   node scripts/check-lockfile.mjs [path/to/package-lock.json]
//
// Exit 0 when every platform is covered, 1 with the problems listed otherwise.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where `npm ci` must work: Linux (Windows runs Plumbline under WSL, i.e. Linux) and macOS. */
export const PLATFORMS = [
  { name: "linux-x64", os: "linux", cpu: "x64", libc: "glibc" },
  { name: "linux-arm64", os: "linux", cpu: "arm64", libc: "glibc" },
  { name: "darwin-arm64", os: "darwin", cpu: "arm64" },
  { name: "darwin-x64", os: "darwin", cpu: "x64" },
];

/** npm's rule for `os`, `cpu` and `libc` lists: an entry "!x" excludes x; plain entries allow only themselves. */
function allows(list, value) {
  if (!list || list.length === 0) return true;
  if (value === undefined) return !list.some((v) => !v.startsWith("!"));
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((v) => !v.startsWith("!"));
  return allowed.length === 0 || allowed.includes(value);
}

const runsOn = (entry, p) => allows(entry.os, p.os) && allows(entry.cpu, p.cpu) && (p.os !== "linux" || allows(entry.libc, p.libc));
const isPlatformSpecific = (entry) => Boolean(entry.os || entry.cpu || entry.libc);

/** The lockfile entry `name` resolves to from `from`, as Node would look it up (nearest node_modules up). */
function resolve(packages, from, name) {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

/**
 * Packages whose native binary Plumbline needs on every platform: the engine, the dashboard's build
 * (Next's compiler, Tailwind, its CSS minifier), tsx's esbuild and the test runner's bundler.
 * Other optional natives are optional for Plumbline too (fsevents, sharp: Next's image optimizer).
 */
export const NEEDED = ["chdb", "next", "@tailwindcss/oxide", "lightningcss", "esbuild", "rolldown"];

const nameOf = (key) => key.replace(/^.*node_modules\//, "") || "the project";

/** Problems, notes and, per platform, the native packages each dependent installs there. */
export function checkLockfile(lock) {
  const packages = lock.packages ?? {};
  const problems = [];
  const notes = [];
  const perPlatform = Object.fromEntries(PLATFORMS.map((p) => [p.name, []]));
  if (!(lock.lockfileVersion >= 2)) problems.push(`lockfileVersion ${lock.lockfileVersion}: npm 7 or later writes the "packages" map this check reads`);

  const seen = new Set();
  for (const [from, entry] of Object.entries(packages)) {
    const who = nameOf(from);
    const natives = [];
    for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      const key = resolve(packages, from, name);
      if (!key) {
        problems.push(`${who} wants ${name}@${spec}, which the lockfile does not name: npm ci would install ${who} without it`);
        continue;
      }
      const dep = packages[key];
      if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) && dep.version !== spec) problems.push(`${key} is ${dep.version}, ${who} pins ${spec}`);
      if (!dep.integrity && !dep.link) notes.push(`${key}@${dep.version} has no integrity hash: npm ci fetches it by version and cannot verify the download`);
      if (isPlatformSpecific(dep)) natives.push({ name, dep });
    }
    if (natives.length === 0) continue;
    seen.add(who);
    for (const p of PLATFORMS) {
      if (!runsOn(entry, p)) continue;
      const found = natives.filter(({ dep }) => runsOn(dep, p)).map(({ name }) => name);
      if (found.length > 0) perPlatform[p.name].push(`${who} → ${found.join(", ")}`);
      else if (NEEDED.includes(who)) problems.push(`${who}: no native package for ${p.name} (has ${natives.map((n) => n.name).join(", ")})`);
    }
  }
  for (const name of NEEDED) if (!seen.has(name)) problems.push(`${name} has no platform packages in the lockfile: is it still a dependency? Update NEEDED in this script`);
  return { problems, notes, perPlatform };
}

function main() {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.resolve(process.argv[2] ?? path.join(root, "package-lock.json"));
  const { problems, notes, perPlatform } = checkLockfile(JSON.parse(readFileSync(file, "utf8")));
  for (const [platform, lines] of Object.entries(perPlatform)) {
    console.log(`${platform}: ${lines.length} native packages`);
    for (const line of lines) console.log(`  ${line}`);
  }
  for (const note of notes) console.log(`note: ${note}`);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem}`);
    console.error(`${path.relative(process.cwd(), file) || file}: ${problems.length} problem(s). Regenerate the missing entries with \`npm install --package-lock-only\` on a machine that reaches the whole registry.`);
    process.exit(1);
  }
  console.log(`${path.relative(process.cwd(), file) || file}: every platform has its native packages`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
