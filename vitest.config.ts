import { defineConfig } from "vitest/config";

// Browser tests on the shared demo server (e2e/global-setup.ts); the rest of e2e/ starts servers of its own.
const SHARED_E2E = ["e2e/dashboards.test.ts", "e2e/ui-*.test.ts"];

export default defineConfig({
  test: {
    // chDB allows one data directory per process: each worker process opens its own once.
    pool: "forks",
    // Two: a third worker on two cores slowed the browser tests more than it gained (22 against 21 min).
    maxWorkers: 2,
    setupFiles: ["./clickhouse/test-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["node_modules/**", ".next/**", "data/**", "test-data/**", ...SHARED_E2E],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: SHARED_E2E,
          globalSetup: ["./e2e/global-setup.ts"],
          // The demo build, load and start take minutes on a loaded two-core machine.
          hookTimeout: 900_000,
          testTimeout: 240_000,
        },
      },
    ],
  },
  resolve: { alias: { "@": new URL("./", import.meta.url).pathname } },
});
