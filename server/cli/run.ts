import { parseArgs } from "node:util";
import { type Command, type CommandContext, CliError } from "./command";
import { allCommands, commandNames, loadCommand } from "./registry";

export interface Invocation {
  command: Command<unknown>;
  args: { positionals: string[]; values: Record<string, string | boolean | string[] | boolean[] | undefined> };
  json: boolean;
}

export async function helpText(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "plumbline — ROI measurement for automated workflows",
    "",
    "Usage: plumbline <command> [options]   (every command takes --json)",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `plumbline <command> --help` for a command's options.",
  ].join("\n");
}

/** Finds the command (longest matching name) and parses its options strictly. */
export async function resolve(argv: string[]): Promise<Invocation | { help: string }> {
  const words = argv.filter((a) => !a.startsWith("-"));
  const two = words.slice(0, 2).join(" ");
  const names = commandNames();
  const name = names.includes(two) ? two : names.includes(words[0] ?? "") ? words[0] : undefined;
  const command = name === undefined ? undefined : await loadCommand(name);
  if (!command) {
    if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) return { help: await helpText() };
    throw new CliError(`Unknown command "${words.slice(0, 2).join(" ")}".\n\n${await helpText()}`, 2);
  }
  const nameWords = command.name.split(" ").length;
  const rest = [...argv];
  for (let i = 0; i < nameWords; i++) rest.splice(rest.indexOf(command.name.split(" ")[i] ?? ""), 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\nUsage: ${command.usage}`, 2);
  }
  if (parsed.values.help) return { help: `${command.summary}\n\nUsage: ${command.usage}` };
  const { json, help: _help, ...values } = parsed.values;
  return { command, args: { positionals: parsed.positionals, values }, json: json === true };
}

export async function execute(inv: Invocation, ctx: CommandContext): Promise<{ result: unknown; text: string }> {
  const result = await inv.command.run(ctx, inv.args);
  return { result, text: inv.command.format(result) };
}
