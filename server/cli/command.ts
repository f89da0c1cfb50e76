import type { ParseArgsConfig } from "node:util";
import type { Db } from "@/clickhouse/client";

export interface CommandContext {
  db: Db;
  /** Who runs the command, for provenance and the audit log (the OS user at the terminal). */
  actor: string;
  /** The directory the user ran the command in: resolve file arguments against it. */
  cwd: string;
  /** A line for humans on stderr (progress); never part of the --json result. */
  progress: (line: string) => void;
  /** True when a long-running server process is executing the command for a CLI. */
  remote: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

export interface Command<R = unknown> {
  /** One or two words: `migrate`, `tenants create`. */
  name: string;
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig["options"]>;
  run(ctx: CommandContext, args: ParsedArgs): Promise<R>;
  /** Human output; `--json` prints the result itself. */
  format(result: R): string;
}

/** A failure the user can act on: printed as is, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

export function defineCommand<R>(c: Command<R>): Command<R> {
  return c;
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

export function requireOpt(args: ParsedArgs, name: string): string {
  const v = stringOpt(args, name);
  if (!v) throw new CliError(`--${name} is required`, 2);
  return v;
}
