import type { Db } from "@/clickhouse/client";
import { ImportFileError, type ImportFormat, type RowProblem } from "./baseline-event";
import { type DateOrder, DateOrderEvidence, decideDateOrder } from "./date-order";
import { importIdOf, lastImportOf, settingsKey } from "./import-identity";
import { importOptions, type ImportOptions, type ParsedImportOptions } from "./import-options";
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
  /** Rows kept with a remark (an outcome read as unknown). */
  notices: RowProblem[];
  scanned: number;
  /** The date order the scanned rows were read in; null when no slashed date depends on it. */
  dateOrder: DateOrder | null;
  /** True when this exact file was already imported for the workflow with these settings (import would add nothing). */
  alreadyImported: boolean;
}

async function scan(req: PreviewRequest, options: ParsedImportOptions, evidence: DateOrderEvidence): Promise<ImportPreview> {
  const limit = req.limit ?? 20;
  const max = req.scan ?? 1000;
  const preview: ImportPreview = { format: "csv-events", headers: [], mapping: {}, rows: [], problems: [], notices: [], scanned: 0, dateOrder: null, alreadyImported: false };
  for await (const item of parseBaseline(openSource(req.source).chunks, options, evidence)) {
    if (item.kind === "mapping") {
      preview.format = item.format;
      preview.headers = item.headers;
      preview.mapping = item.mapping;
      continue;
    }
    if (item.kind === "notice") {
      if (preview.notices.length < limit) preview.notices.push(item.problem);
      continue;
    }
    preview.scanned += 1;
    if (item.kind === "problem") {
      if (preview.problems.length < limit) preview.problems.push(item.problem);
    } else if (preview.rows.length < limit) {
      const e = item.event;
      preview.rows.push({ ...e, time: e.time.toISOString(), endTime: e.endTime?.toISOString() ?? null });
    }
    if (preview.scanned >= max) break;
  }
  return preview;
}

/**
 * The first rows as the importer would map them and the problems among the first records, through
 * the same parser as `importBaseline`, so what the user checks is what gets imported. Writes nothing.
 * The date order is decided from the scanned records as the import decides it from the whole file, so
 * a file the import would refuse is refused here already (date-order.ts).
 */
export async function previewImport(db: Db, req: PreviewRequest): Promise<ImportPreview> {
  const parsed = importOptions.safeParse(req.options ?? {});
  if (!parsed.success) throw new ImportFileError(`Invalid import options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const evidence = new DateOrderEvidence();
  let preview = await scan(req, parsed.data, evidence);
  const order = decideDateOrder(evidence, parsed.data.dateOrder);
  if (order.reread && order.order) preview = await scan(req, { ...parsed.data, dateOrder: order.order }, new DateOrderEvidence());
  preview.dateOrder = order.order;
  if (typeof req.source === "string" || req.source instanceof Uint8Array) {
    const checksum = await checksumOf(req.source);
    const last = await lastImportOf(db, { tenantId: req.tenantId, workflow: req.workflow }, checksum);
    preview.alreadyImported = last?.importId === importIdOf(req.tenantId, req.workflow, checksum, settingsKey(parsed.data));
  }
  return preview;
}
