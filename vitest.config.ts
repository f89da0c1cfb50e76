import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // chDB allows one data directory per process: each worker process opens its own once.
    pool: "forks",
    maxWorkers: 2,
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "data/**", "test-data/**"],
    setupFiles: ["./clickhouse/test-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
  resolve: { alias: { "@": new URL("./", import.meta.url).pathname } },
});
