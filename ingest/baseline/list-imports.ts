import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export const baselineImportRow = z.object({
  import_id: z.string(),
  file_name: z.string(),
  format: z.string(),
  checksum: z.string(),
  rows_read: z.coerce.number(),
  rows_skipped: z.coerce.number(),
  runs: z.coerce.number(),
  events: z.coerce.number(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
  imported_by: z.string(),
  imported_at: z.string(),
});
export type BaselineImport = z.infer<typeof baselineImportRow>;

/** The provenance of every file imported into a workflow's baseline, oldest first. */
export async function listBaselineImports(db: Db, tenantId: string, workflow: string): Promise<BaselineImport[]> {
  return db.query(
    `SELECT import_id, file_name, format, checksum, rows_read, rows_skipped, runs, events,
            toString(period_from) AS period_from, toString(period_to) AS period_to, imported_by, toString(imported_at) AS imported_at
     FROM baseline_imports FINAL
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String}
     ORDER BY imported_at`,
    { tenant: tenantId, workflow },
    baselineImportRow,
  );
}
