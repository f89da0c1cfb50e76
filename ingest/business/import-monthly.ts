import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { commitBatch } from "../commit";
import { type ParsedMonthly, parseMonthlyCsv } from "./monthly-csv";

export interface MonthlyImportRequest {
  tenantId: string;
  fileName: string;
  text: string;
  actor: string;
  /** Parse and report only (the preview); nothing is stored. */
  dryRun?: boolean;
  now?: Date;
}

export interface MonthlySummary extends Omit<ParsedMonthly, "rows"> {
  importId: string;
  checksum: string;
  figures: number;
  status: "preview" | "imported" | "reimported";
  /** When the same file was imported before: that import's time. */
  previously: string | null;
}

const previous = z.object({ import_id: z.string(), imported_at: z.string() });

/**
 * Imports a monthly business-figures CSV (docs/conventions.md, "Monthly import"). Idempotent: a figure's
 * identity is its measure, dimensions and month, so importing the same file again, or a corrected one,
 * replaces figures instead of adding to them; the insert carries the checksum as its deduplication
 * token, so a retried commit is stored once.
 */
export async function importMonthly(db: Db, req: MonthlyImportRequest): Promise<MonthlySummary> {
  const checksum = createHash("sha256").update(req.text).digest("hex");
  const importId = `bm-${checksum.slice(0, 16)}`;
  const parsed = parseMonthlyCsv(req.text, { tenantId: req.tenantId, importId, now: req.now });
  const [before] = await db.query(
    `SELECT import_id, toString(imported_at) AS imported_at FROM business_imports
     WHERE tenant_id = {t:String} AND checksum = {c:String} ORDER BY imported_at LIMIT 1`,
    { t: req.tenantId, c: checksum },
    previous,
  );
  const { rows, ...report } = parsed;
  const summary: MonthlySummary = { ...report, importId, checksum, figures: rows.length, status: "preview", previously: before?.imported_at ?? null };
  if (req.dryRun) return summary;
  if (rows.length > 0) await commitBatch(db, { businessPoints: rows }, { dedupToken: `${req.tenantId}:${importId}` });
  await db.insert("business_imports", [
    {
      tenant_id: req.tenantId,
      import_id: importId,
      checksum,
      file_name: req.fileName.slice(0, 200),
      figures: rows.length,
      skipped: report.skippedCount,
      summary: JSON.stringify({ months: report.months, measures: report.measures, skipped: report.skipped }),
      imported_by: req.actor,
    },
  ]);
  return { ...summary, status: before ? "reimported" : "imported" };
}
