import { health, type Health } from "@/server/health";
import { defineCommand } from "../command";

export const healthCommand = defineCommand({
  name: "health",
  summary: "Check the store: version, migrations, tenants",
  usage: "plumbline health [--json]",
  async run(ctx) {
    return health(ctx.db);
  },
  format: (h: Health) =>
    `status: ${h.status}\nstore: ${h.store}\nClickHouse: ${h.clickhouseVersion}\nmigrations: ${h.migrations.applied}/${h.migrations.total}` +
    (h.migrations.pending.length ? ` (pending: ${h.migrations.pending.join(", ")})` : "") +
    `\ntenants: ${h.tenants}`,
});
