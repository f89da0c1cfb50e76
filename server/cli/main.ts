import { userInfo } from "node:os";
import { env, storeConfig } from "@/server/env";
import { CliError, type CommandContext } from "./command";
import { liveServer, remoteLine, type RemoteRequest } from "./remote";
import { execute, resolve, type Invocation } from "./run";

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

/** Hands the command to the running server that owns the embedded store; streams its progress. */
async function runRemote(argv: string[], port: number, token: string, progress: (l: string) => void) {
  const body: RemoteRequest = { argv, cwd: process.cwd(), actor: actor() };
  const res = await fetch(`http://127.0.0.1:${port}/internal/cli`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-plumbline-cli-token": token },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new CliError(`The running server refused the command (HTTP ${res.status}): ${await res.text()}`);
  let buffered = "";
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = remoteLine.parse(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
      if ("progress" in line) progress(line.progress);
      else if ("error" in line) throw new CliError(line.error, line.exitCode);
      else return { result: line.result, text: line.text };
    }
  }
  throw new CliError("The running server closed the connection before answering");
}

async function runLocal(inv: Invocation, progress: (l: string) => void) {
  // Imported here: a command the running server executes never loads the store (or chDB) in the CLI.
  const { closeStore, getStore } = await import("@/clickhouse/store");
  const db = await getStore(storeConfig());
  const ctx: CommandContext = { db, actor: actor(), cwd: process.cwd(), progress, remote: false };
  try {
    return await execute(inv, ctx);
  } finally {
    await closeStore();
  }
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const inv = await resolve(argv);
    if ("help" in inv) {
      process.stdout.write(`${inv.help}\n`);
      return 0;
    }
    const e = env();
    const server = e.CLICKHOUSE_URL ? undefined : liveServer(storeConfig(e).kind === "embedded" ? (storeConfig(e) as { dataDir: string }).dataDir : "");
    const out = server
      ? await runRemote(argv, server.port, server.token, progress)
      : await runLocal(inv, progress);
    process.stdout.write(json ? `${JSON.stringify(out.result)}\n` : `${out.text}\n`);
    return 0;
  } catch (err) {
    const cli = err instanceof CliError;
    const message = err instanceof Error ? err.message : String(err);
    const exitCode = cli ? err.exitCode : 1;
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.stderr.write(`plumbline: ${message}\n`);
    if (!cli && process.env.PLUMBLINE_DEBUG) process.stderr.write(`${(err as Error).stack ?? ""}\n`);
    return exitCode;
  }
}
