import { writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildIfNeeded, cli, freePort, startServer, tempDataDir, type RunningServer } from "./harness";
import { E2E_PASSWORD, E2E_ROLES, E2E_TENANT, e2eEmail, type E2eWorld } from "./world-config";

/**
 * One server on the demo data for every browser test file of the e2e project (vitest `projects`, see
 * vitest.config.ts): the build, the demo load and the start are paid once per `npm test`, not per file.
 * Files that need a server of their own (OIDC sign-in, security probes) still start one.
 * Tests that change things create their own objects (a new workflow, rule or member) and leave the demo
 * tenant's existing settings alone, so the files can run in any order and side by side.
 */
let server: RunningServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  await buildIfNeeded();
  const dataDir = tempDataDir();
  cli(dataDir, ["migrate"]);
  cli(dataDir, ["demo"]);
  const passwordFile = path.join(dataDir, "password.txt");
  writeFileSync(passwordFile, E2E_PASSWORD);
  for (const role of E2E_ROLES) {
    cli(dataDir, ["users", "create", "--email", e2eEmail(role), "--role", role, "--tenant", E2E_TENANT, "--password-file", passwordFile]);
  }
  server = await startServer(dataDir, await freePort(), { PLUMBLINE_DEMO: "0", PLUMBLINE_ALERTS: "0" });
  const world: E2eWorld = { url: server.url, dataDir };
  project.provide("e2eWorld", world);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
