import { createHash } from "node:crypto";
import { z } from "zod";
import { type Db, fromClickHouseTime } from "@/clickhouse/client";
import { deleteMarkingRuns, markImportRuns } from "@/clickhouse/run-marks";
import type { ImportFormat } from "./baseline-event";
import type { ParsedImportOptions } from "./import-options";

/**
 * What decides the rows an import stores besides the file's bytes: the format and column mapping, the
 * delimiter, which resources are systems, how dates and zone-less times are read. Two imports of one
 * file with the same settings store the same rows; with other settings they store other rows, so
 * they are different imports (the second replaces the first's rows by run and step identity).
 */
export function settingsKey(o: ParsedImportOptions): string {
  const mapping = Object.entries(o.mapping).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([o.format ?? "", mapping, o.delimiter ?? "", o.systemResources ?? "", o.timeZone, o.dateOrder]);
}

/**
 * The import's id is derived from what is imported and how, so a retry of the same file with the same
 * settings targets the same rows. `after` is the import this one replaces ('' for none): importing A,
 * then B, then A again must publish A's rows again, which insert tokens equal to the first A's would
 * silently drop.
 */
export function importIdOf(tenantId: string, workflow: string, checksum: string, settings: string): string {
  return createHash("sha256").update(`${tenantId}\n${workflow}\n${checksum}\n${settings}`).digest("hex").slice(0, 32);
}

export function publishKeyOf(importId: string, after: string): string {
  return after === "" ? importId : `${importId}~${after}`;
}

const previousRow = z.object({
  import_id: z.string(),
  format: z.string(),
  mapping: z.string(),
  rows_read: z.coerce.number(),
  rows_skipped: z.coerce.number(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
});

export interface PreviousImport {
  importId: string;
  format: ImportFormat;
  mapping: Record<string, string>;
  rowsRead: number;
  skipped: number;
  period: { from: string; to: string } | null;
}

export const iso = (chTime: string | null) => (chTime ? fromClickHouseTime(chTime).toISOString() : null);

/**
 * The import this file last went in with, for the tenant and workflow (`baseline_imports` keeps one row
 * per file checksum: the latest). The caller compares its id with the one it would make.
 */
export async function lastImportOf(db: Db, k: { tenantId: string; workflow: string }, checksum: string): Promise<PreviousImport | undefined> {
  const rows = await db.query(
    `SELECT import_id, format, mapping, rows_read, rows_skipped, toString(period_from) AS period_from, toString(period_to) AS period_to
     FROM baseline_imports FINAL
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND checksum = {checksum:String}
     LIMIT 1`,
    { tenant: k.tenantId, workflow: k.workflow, checksum },
    previousRow,
  );
  const p = rows[0];
  if (!p) return undefined;
  const from = iso(p.period_from);
  const to = iso(p.period_to);
  return {
    importId: p.import_id,
    format: z.enum(["csv-events", "csv-cases", "xes"]).catch("csv-events").parse(p.format),
    mapping: z.record(z.string(), z.string()).catch({}).parse(JSON.parse(p.mapping)),
    rowsRead: p.rows_read,
    skipped: p.rows_skipped,
    period: from && to ? { from, to } : null,
  };
}

/**
 * Removes the runs and steps of the import a new reading of the same file replaces. Rows whose identity
 * did not change were replaced by the new ones already; those whose identity did (a run or step whose
 * time moved with the date order or zone, a case the new mapping no longer reads) would otherwise stay
 * beside the new reading. A DELETE is a mutation over the whole table, so it runs only where such rows
 * are left. Called after the new rows are in and before the provenance says so, so that a retry after a
 * crash here deletes again rather than never.
 */
export async function dropSuperseded(db: Db, k: { tenant: string; workflow: string }, importId: string): Promise<void> {
  const params = { tenant: k.tenant, workflow: k.workflow, importId };
  const where = "tenant_id = {tenant:String} AND workflow = {workflow:String} AND origin = 'import' AND import_id = {importId:String}";
  const left: string[] = [];
  for (const table of ["steps", "runs"]) {
    const [n] = await db.query(`SELECT count() AS n FROM ${table} FINAL WHERE ${where}`, params, z.object({ n: z.coerce.number() }));
    if ((n?.n ?? 0) > 0) left.push(table);
  }
  // Nothing left: a retry after the DELETE, or nothing moved. Runs whose facts still name the import
  // are derived again all the same, in case a settlement saw them before the DELETE.
  if (left.length === 0) return markImportRuns(db, params);
  // Their runs are derived again without them (metrics/run-facts.ts).
  await deleteMarkingRuns(db, where, params, async () => {
    for (const table of left) await db.command(`DELETE FROM ${table} WHERE ${where}`, params);
  });
}
