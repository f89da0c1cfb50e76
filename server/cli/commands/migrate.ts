import { migrate, type MigrateResult } from "@/clickhouse/migrate";
import { env } from "@/server/env";
import { applyRetention, retentionConfig } from "@/server/retention";
import { defineCommand } from "../command";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "Apply pending schema migrations and the configured retention",
  usage: "plumbline migrate [--json]",
  async run(ctx) {
    const e = env();
    const result = await migrate(ctx.db, { cluster: e.CLICKHOUSE_CLUSTER, log: ctx.progress });
    // The server applies retention at every start too. Applied here, before `plumbline demo` or an
    // import fills the tables, a TTL change is a metadata change; applied first at the server's start
    // over data, ClickHouse rewrites every part of the raw tables (26 s on the demo data) while the
    // first pages wait.
    await applyRetention(ctx.db, retentionConfig(e), ctx.progress);
    return result;
  },
  format: (r: MigrateResult) =>
    r.applied.length ? `Applied ${r.applied.length} of ${r.total} migrations:\n${r.applied.join("\n")}` : `Schema up to date (${r.total} migrations).`,
});
