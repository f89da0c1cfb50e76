import { migrate, type MigrateResult } from "@/clickhouse/migrate";
import { env } from "@/server/env";
import { defineCommand } from "../command";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "Apply pending schema migrations",
  usage: "plumbline migrate [--json]",
  async run(ctx) {
    return migrate(ctx.db, { cluster: env().CLICKHOUSE_CLUSTER, log: ctx.progress });
  },
  format: (r: MigrateResult) =>
    r.applied.length ? `Applied ${r.applied.length} of ${r.total} migrations:\n${r.applied.join("\n")}` : `Schema up to date (${r.total} migrations).`,
});
