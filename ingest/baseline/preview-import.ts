import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { ImportFileError, type ImportFormat, type RowProblem } from "./baseline-event";
import { importOptions, type ImportOptions } from "./import-options";
import { checksumOf, type ImportSource, openSource } from "./open-source";
import { parseBaseline } from "./parse-baseline";

export interface PreviewRequest {
  tenantId: string;
  workflow: string;
  source: ImportSource;
  options?: ImportOptions;
  /** Mapped rows to show. */
  limit?: number;
  /** Records to scan for problems. */
  scan?: number;
}

export interface PreviewRow {
  line: number;
  caseId: string;
  activity: string;
  time: string;
  endTime: string | null;
  lifecycle: string;
  resource: string;
  role: string;
  actor: string;
  humanMinutes: number | null;
  outcome: string;
}

export interface ImportPreview {
  format: ImportFormat;
  headers: string[];
  mapping: Record<string, string>;
  rows: PreviewRow[];
  problems: RowProblem[];
  scanned: number;
  /** True when this exact file was already imported for the workflow (import would add nothing). */
  alreadyImported: boolean;
}

/**
 * The first rows as the importer would map them and the problems among the first records, through
 * the same parser as `importBaseline`, so what the user checks is what gets imported. Writes nothing.
 */
export async function previewImport(db: Db, req: PreviewRequest): Promise<ImportPreview> {
  const parsed = importOptions.safeParse(req.options ?? {});
  if (!parsed.success) throw new ImportFileError(`Invalid import options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const limit = req.limit ?? 20;
  const scan = req.scan ?? 1000;
  const preview: ImportPreview = { format: "csv-events", headers: [], mapping: {}, rows: [], problems: [], scanned: 0, alreadyImported: false };
  for await (const item of parseBaseline(openSource(req.source).chunks, parsed.data)) {
    if (item.kind === "mapping") {
      preview.format = item.format;
      preview.headers = item.headers;
      preview.mapping = item.mapping;
      continue;
    }
    preview.scanned += 1;
    if (item.kind === "problem") {
      if (preview.problems.length < limit) preview.problems.push(item.problem);
    } else if (preview.rows.length < limit) {
      const e = item.event;
      preview.rows.push({ ...e, time: e.time.toISOString(), endTime: e.endTime?.toISOString() ?? null });
    }
    if (preview.scanned >= scan) break;
  }
  if (typeof req.source === "string" || req.source instanceof Uint8Array) {
    const checksum = await checksumOf(req.source);
    const rows = await db.query(
      `SELECT count() AS n FROM baseline_imports
       WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND checksum = {checksum:String}`,
      { tenant: req.tenantId, workflow: req.workflow, checksum },
      z.object({ n: z.coerce.number() }),
    );
    preview.alreadyImported = (rows[0]?.n ?? 0) > 0;
  }
  return preview;
}
