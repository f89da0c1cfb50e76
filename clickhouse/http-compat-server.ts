import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface CompatServer {
  /** Base URL for `CLICKHOUSE_URL` / `openServer({ url })`. */
  url: string;
  port: number;
  /** Stops the child process and removes its data directory (unless it was given by the caller). */
  stop(): Promise<void>;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "http-compat-child.ts");

/**
 * Starts a ClickHouse-HTTP-compatible server backed by the real chDB engine, in a child process with its
 * own data directory (chDB allows one per process, and the test process already holds one).
 * For tests and benchmarks only: it lets the server adapter (@clickhouse/client) run against a real
 * engine where no ClickHouse server exists. It speaks the subset the client uses: POST queries with
 * `param_<name>` bindings, settings as URL parameters, JSONEachRow results and inserts, /ping, and
 * errors as status 500 with X-ClickHouse-Exception-Code.
 */
export async function startCompatServer(options: { dataDir?: string } = {}): Promise<CompatServer> {
  const dataDir = path.resolve(options.dataDir ?? path.join("test-data", `http-compat-${randomUUID().slice(0, 8)}`));
  const child: ChildProcess = fork(CHILD, [dataDir], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The ClickHouse compat server did not start within 60 s")), 60_000);
    child.once("message", (m: unknown) => {
      clearTimeout(timer);
      const p = (m as { port?: unknown } | null)?.port;
      if (typeof p === "number") resolve(p);
      else reject(new Error(`Unexpected message from the compat server: ${JSON.stringify(m)}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The ClickHouse compat server exited during start (code ${code})`));
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }).then(() => {
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}
