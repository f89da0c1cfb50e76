import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The image cannot be built where the tests run (no Docker engine): these read the files instead.
const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const dockerfile = read("Dockerfile");
const instructions = dockerfile.replace(/\\\n/g, " ").split("\n").filter((l) => /^[A-Z]+\s/.test(l));
/** What scripts/build-server.mjs writes into dist/: its entry points and the two launchers. */
const built = [...read("scripts/build-server.mjs").matchAll(/"?([\w-]+)"?: "[\w/-]+\.ts",/g), ...["main", "plumbline"].map((n) => [, n])].map((m) => `dist/${m[1]}.mjs`);

describe("the production image", () => {
  it("builds in one stage from the lockfile and runs another", () => {
    expect(instructions.filter((l) => l.startsWith("FROM "))).toHaveLength(2);
    expect(dockerfile).toContain("npm ci");
    expect(dockerfile).not.toMatch(/npm install|tsx/);
    expect(dockerfile).toContain("COPY --from=build /app/.next/standalone ./");
  });

  it("runs compiled code as an unprivileged user, with a health check", () => {
    const last = instructions.slice(instructions.findLastIndex((l) => l.startsWith("FROM ")));
    expect(last.find((l) => l.startsWith("USER "))).toBe("USER node");
    expect(last.some((l) => l.startsWith("HEALTHCHECK ") && l.includes("/api/health"))).toBe(true);
    const cmd = last.find((l) => l.startsWith("CMD "));
    expect(cmd).toBe('CMD ["node", "dist/main.mjs"]');
    expect(built).toContain("dist/main.mjs");
  });

  it.each(["docker-compose.yml", "docker-compose.cluster.yml"])("%s starts only processes the image holds", (file) => {
    const compose = read(file);
    expect(compose).not.toMatch(/npm run|tsx/);
    const commands = [...compose.matchAll(/command: \["node", "([^"]+)"\]/g)].map((m) => m[1]);
    expect(commands).toContain("dist/ingest.mjs");
    for (const c of commands) expect(built).toContain(c);
  });
});
