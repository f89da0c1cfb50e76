import type { Command } from "./command";

/**
 * Every CLI command, by module; later features add theirs here. A module is imported only when one
 * of its commands runs (or for the full --help), so a command's start-up pays for its own imports
 * alone, not for mail, CSV and XML parsers or the ClickHouse HTTP client (issue 25: CLI ≤ 1 s).
 * `names` must be the names of the commands the module exports: registry.test.ts checks it.
 */
export interface CommandModule {
  names: readonly string[];
  load: () => Promise<Record<string, unknown>>;
}

export const commandModules: CommandModule[] = [
  { names: ["migrate"], load: () => import("./commands/migrate") },
  { names: ["demo"], load: () => import("./commands/demo") },
  { names: ["health"], load: () => import("./commands/health") },
  { names: ["tenants create", "tenants list"], load: () => import("./commands/tenants") },
  { names: ["keys create", "keys list", "keys revoke"], load: () => import("./commands/keys") },
  { names: ["tenants export", "tenants delete"], load: () => import("./commands/tenant-admin") },
  { names: ["backup", "restore"], load: () => import("./commands/backup") },
  { names: ["users create", "users setup-link"], load: () => import("./commands/users") },
  { names: ["metrics"], load: () => import("./commands/metrics") },
  {
    names: ["alerts list", "alerts create", "alerts update", "alerts remove", "alerts enable", "alerts test", "alerts history", "alerts deliveries", "alerts digest"],
    load: () => import("./commands/alerts"),
  },
  { names: ["import"], load: () => import("./commands/import") },
  { names: ["baseline declare", "baseline lock", "baseline show"], load: () => import("./commands/baseline") },
  { names: ["workflows costs"], load: () => import("./commands/workflows") },
  { names: ["business import", "business lock-year", "business outcomes"], load: () => import("./commands/business") },
];

const isCommand = (v: unknown): v is Command<unknown> =>
  typeof v === "object" && v !== null && "name" in v && typeof v.name === "string" && "run" in v && typeof v.run === "function";

/** The commands a module exports, alone or in arrays, each once. */
export function commandsIn(exports: Record<string, unknown>): Command<unknown>[] {
  const found = Object.values(exports).flatMap((v) => (Array.isArray(v) ? v.filter(isCommand) : isCommand(v) ? [v] : []));
  return [...new Map(found.map((c) => [c.name, c])).values()];
}

/** The command of that name, importing only its module. */
export async function loadCommand(name: string): Promise<Command<unknown> | undefined> {
  const module = commandModules.find((m) => m.names.includes(name));
  return module ? commandsIn(await module.load()).find((c) => c.name === name) : undefined;
}

/** Every command, in the registry's order (for --help). */
export async function allCommands(): Promise<Command<unknown>[]> {
  const loaded = await Promise.all(commandModules.map(async (m) => ({ names: m.names, commands: commandsIn(await m.load()) })));
  return loaded.flatMap(({ names, commands }) => names.flatMap((n) => commands.filter((c) => c.name === n)));
}

export const commandNames = (): string[] => commandModules.flatMap((m) => m.names);
