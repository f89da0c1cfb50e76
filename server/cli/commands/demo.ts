import { reloadDemo, type DemoLoadResult } from "@/server/demo/load";
import { defineCommand } from "../command";

export const demoCommand = defineCommand({
  name: "demo",
  summary: "Reload the demo tenants (demo, demo-clinic) with data dated to today",
  usage: "plumbline demo [--json]",
  async run(ctx) {
    return reloadDemo(ctx.db, { log: ctx.progress });
  },
  format: (r: DemoLoadResult) => r.tenants.map((t) => `${t.slug}: ${t.runs} runs, ${t.steps} steps, ${t.sourceSyncs} source syncs`).join("\n"),
});
