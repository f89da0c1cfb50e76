import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll } from "vitest";
import { closeStore } from "./store";

// chDB allows one data directory per process: each test process gets its own, removed when done.
const dir = path.resolve("test-data", `worker-${process.pid}`);
if (!process.env.CLICKHOUSE_URL) process.env.PLUMBLINE_DATA_DIR = dir;

afterAll(async () => {
  await closeStore();
  if (!process.env.CLICKHOUSE_URL) rmSync(dir, { recursive: true, force: true });
});
