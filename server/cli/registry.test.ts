import { describe, expect, it } from "vitest";
import { allCommands, commandModules, commandsIn } from "./registry";
import { resolve } from "./run";

describe("the CLI registry", () => {
  it("lists for each module exactly the names of the commands it exports", async () => {
    for (const m of commandModules) {
      expect(commandsIn(await m.load()).map((c) => c.name).sort()).toEqual([...m.names].sort());
    }
  });

  it("names each command once, and --help lists every one of them", async () => {
    const names = commandModules.flatMap((m) => m.names);
    expect(new Set(names).size).toBe(names.length);
    expect((await allCommands()).map((c) => c.name)).toEqual(names);
    const help = await resolve(["--help"]);
    for (const n of names) expect("help" in help && help.help).toContain(`  ${n} `);
  });

  it("finds a two-word command and refuses an unknown one with the list", async () => {
    const inv = await resolve(["tenants", "list", "--json"]);
    expect("command" in inv && inv.command.name).toBe("tenants list");
    await expect(resolve(["tenants", "frobnicate"])).rejects.toThrow(/Unknown command "tenants frobnicate"[\s\S]*tenants list/);
  });
});
