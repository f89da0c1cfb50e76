import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export interface TenantTable {
  /** The table to read the tenant's rows through (the Distributed table in a cluster). */
  read: string;
  /** The table holding the rows, where a deletion runs (`<name>_local` in a cluster). */
  store: string;
}

const row = z.object({ name: z.string(), engine: z.string() });

/**
 * Every table with a `tenant_id` column, found in the catalogue rather than listed by hand, so a table a
 * later migration adds is exported and deleted without anyone remembering to. Views hold no rows of
 * their own (materialized views here write `TO` a table that is itself listed).
 */
export async function tenantTables(db: Db): Promise<TenantTable[]> {
  const rows = await db.query(
    `SELECT t.name AS name, t.engine AS engine
     FROM system.tables AS t
     WHERE t.database = currentDatabase()
       AND t.name IN (SELECT table FROM system.columns WHERE database = currentDatabase() AND name = 'tenant_id')
       AND t.engine NOT IN ('View', 'MaterializedView', 'LiveView', 'WindowView')
     ORDER BY t.name`,
    {},
    row,
  );
  const distributed = new Set(rows.filter((r) => r.engine === "Distributed").map((r) => r.name));
  return rows.flatMap((r): TenantTable[] => {
    if (r.engine === "Distributed") return [{ read: r.name, store: `${r.name}_local` }];
    // A cluster's `_local` table is reached through its Distributed twin above.
    if (r.name.endsWith("_local") && distributed.has(r.name.slice(0, -"_local".length))) return [];
    return [{ read: r.name, store: r.name }];
  });
}
