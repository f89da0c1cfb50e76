import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import { ImportFileError, type ImportFormat } from "./baseline-event";
import { type DateOrder, DateOrderError, DateOrderEvidence, decideDateOrder } from "./date-order";
import { dropSuperseded, importIdOf, iso, lastImportOf, type PreviousImport, publishKeyOf, settingsKey } from "./import-identity";
import { importOptions, type ImportOptions, type ParsedImportOptions } from "./import-options";
import { checksumOf, type ImportSource, type OpenedSource, openSource } from "./open-source";
import { parseBaseline } from "./parse-baseline";
import { caseBuckets, publishStaged, type StagedKeys, stagedStats } from "./publish-import";
import { SkipTally, type SkippedReason } from "./skip-tally";
import { EventStager } from "./stage-events";

export interface ImportProgress {
  rows: number;
  bytes: number;
  /** Known for files on disk and uploads; unknown for streams. */
  totalBytes?: number;
}

export interface ImportRequest {
  tenantId: string;
  workflow: string;
  /** A file path (already resolved by the caller), the bytes of an upload, or a stream. */
  source: ImportSource;
  fileName: string;
  options?: ImportOptions;
  /** Who imports, for provenance (`cli:alice`, a user id). */
  actor: string;
  onProgress?: (p: ImportProgress) => void;
  /** Events per publish bucket (publish-import.ts); tests make it small to cut a small file into many. */
  bucketEvents?: number;
}

export interface ImportSummary {
  status: "imported" | "already-imported";
  importId: string;
  workflow: string;
  fileName: string;
  format: ImportFormat;
  checksum: string;
  mapping: Record<string, string>;
  /** Records read: CSV data rows, XES events. */
  rowsRead: number;
  runs: number;
  events: number;
  skipped: number;
  skippedReasons: SkippedReason[];
  /** Rows kept with a remark (an outcome value read as unknown), by reason. */
  notices: SkippedReason[];
  /** How slashed dates were read; null when the file has none that the order changes. */
  dateOrder: DateOrder | null;
  period: { from: string; to: string } | null;
}

export const workflowName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, "a workflow name is letters, digits, dot, dash or underscore");

function alreadyImported(req: ImportRequest, checksum: string, p: PreviousImport): ImportSummary {
  return {
    status: "already-imported",
    importId: p.importId,
    workflow: req.workflow,
    fileName: req.fileName,
    format: p.format,
    checksum,
    mapping: p.mapping,
    rowsRead: p.rowsRead,
    runs: 0,
    events: 0,
    skipped: p.skipped,
    skippedReasons: [],
    notices: [],
    dateOrder: null,
    period: p.period,
  };
}

function parseRequest(req: ImportRequest) {
  const wf = workflowName.safeParse(req.workflow);
  if (!wf.success) throw new ImportFileError(`Invalid workflow "${req.workflow}": ${wf.error.issues[0]?.message}`);
  const parsed = importOptions.safeParse(req.options ?? {});
  if (!parsed.success) {
    throw new ImportFileError(`Invalid import options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/**
 * Imports a legacy export as baseline runs and steps (phase `baseline`, origin `import`), with its
 * provenance in `baseline_imports`. Events are staged first and published only once the whole file
 * has been read, so a file-level error leaves nothing visible; re-importing the same file with the same
 * settings (import-identity.ts) adds nothing. The CLI and the Settings page both call this.
 */
export async function importBaseline(db: Db, req: ImportRequest): Promise<ImportSummary> {
  const options = parseRequest(req);
  return runImport(db, req, options, settingsKey(options));
}

interface StagedFile {
  stager: EventStager;
  tally: SkipTally;
  notices: SkipTally;
  mapping: Record<string, string>;
  format: ImportFormat;
  rowsRead: number;
  evidence: DateOrderEvidence;
}

/** Parses the whole file into staging; the caller discards the stager whatever happens next. */
async function stageFile(req: ImportRequest, options: ParsedImportOptions, source: OpenedSource, stager: EventStager): Promise<StagedFile> {
  const f: StagedFile = { stager, tally: new SkipTally(), notices: new SkipTally(), mapping: {}, format: "csv-events", rowsRead: 0, evidence: new DateOrderEvidence() };
  let lastProgress = 0;
  const totalBytes =
    req.source instanceof Uint8Array ? req.source.length : typeof req.source === "string" ? (await stat(req.source)).size : undefined;
  for await (const item of parseBaseline(source.chunks, options, f.evidence)) {
    if (item.kind === "mapping") {
      f.mapping = item.mapping;
      f.format = item.format;
      continue;
    }
    // A notice rides on a row already counted as its event.
    if (item.kind === "notice") {
      f.notices.add(item.problem);
      continue;
    }
    f.rowsRead += 1;
    if (item.kind === "problem") f.tally.add(item.problem);
    else await stager.add(item.event);
    if (req.onProgress && f.rowsRead - lastProgress >= 10_000) {
      lastProgress = f.rowsRead;
      req.onProgress({ rows: f.rowsRead, bytes: source.bytesRead(), ...(totalBytes !== undefined ? { totalBytes } : {}) });
    }
  }
  // The whole file is read: a file under 10,000 rows reports once, so its bar still reaches the end.
  if (req.onProgress && f.rowsRead !== lastProgress) req.onProgress({ rows: f.rowsRead, bytes: source.bytesRead(), ...(totalBytes !== undefined ? { totalBytes } : {}) });
  await stager.flush();
  return f;
}

const rereadable = (s: ImportSource): s is string | Uint8Array => typeof s === "string" || s instanceof Uint8Array;

async function runImport(db: Db, req: ImportRequest, options: ParsedImportOptions, settings: string): Promise<ImportSummary> {
  const who = { tenantId: req.tenantId, workflow: req.workflow };
  if (rereadable(req.source)) {
    const checksum = await checksumOf(req.source);
    const last = await lastImportOf(db, who, checksum);
    if (last?.importId === importIdOf(req.tenantId, req.workflow, checksum, settings)) return alreadyImported(req, checksum, last);
  }
  const source = openSource(req.source);
  const stager = new EventStager(db, req.tenantId, randomUUID().replace(/-/g, ""));
  try {
    const f = await stageFile(req, options, source, stager);
    const order = decideDateOrder(f.evidence, options.dateOrder);
    if (order.reread && order.order) {
      // Read month first while the file had not yet shown its order; read it again day first.
      if (!rereadable(req.source)) throw new DateOrderError({ kind: "needs-reread", order: order.order, example: f.evidence.dmy?.example ?? "" });
      await stager.discard();
      return await runImport(db, req, { ...options, dateOrder: order.order }, settings);
    }
    const checksum = source.checksum();
    const importId = importIdOf(req.tenantId, req.workflow, checksum, settings);
    const last = await lastImportOf(db, who, checksum);
    if (last?.importId === importId) {
      await stager.discard();
      return alreadyImported(req, checksum, last);
    }
    const keys = { tenant: req.tenantId, workflow: req.workflow, staging: stager.stagingId, importId, publishKey: publishKeyOf(importId, last?.importId ?? "") };
    const summary = await publish(db, req, f, keys, { checksum, dateOrder: order.order });
    if (last) await dropSuperseded(db, keys, last.importId);
    await recordImport(db, req, summary);
    await stager.discard();
    return summary;
  } catch (err) {
    await stager.discard().catch(() => undefined);
    throw err;
  }
}

async function publish(db: Db, req: ImportRequest, f: StagedFile, keys: StagedKeys, o: { checksum: string; dateOrder: DateOrder | null }): Promise<ImportSummary> {
  const { tally } = f;
  const buckets = await caseBuckets(db, keys, req.bucketEvents);
  const stats = await stagedStats(db, keys, buckets);
  const dups = stats.duplicates;
  if (dups.extra > 0) tally.add({ line: dups.lines[0] ?? 0, reason: "duplicate row" }, dups.extra, dups.lines);
  if (stats.runs === 0) {
    const why = tally.total ? `: all ${tally.total} rows were skipped (${tally.list().map((r) => `${r.reason} ×${r.count}, first at line ${r.lines[0]}`).join("; ")})` : ": the file has no data rows";
    throw new ImportFileError(`Nothing to import${why}`);
  }
  await publishStaged(db, keys, buckets, stats.starts > 0);
  return {
    status: "imported",
    importId: keys.importId,
    workflow: req.workflow,
    fileName: req.fileName,
    format: f.format,
    checksum: o.checksum,
    mapping: f.mapping,
    rowsRead: f.rowsRead,
    runs: stats.runs,
    events: stats.events,
    skipped: tally.total,
    skippedReasons: tally.list(),
    notices: f.notices.list(),
    dateOrder: o.dateOrder,
    period: stats.periodFrom && stats.periodTo ? { from: iso(stats.periodFrom) ?? "", to: iso(stats.periodTo) ?? "" } : null,
  };
}

/** Provenance last: its row is what marks the file as imported (DESIGN.md §2: every number says where it came from). */
async function recordImport(db: Db, req: ImportRequest, s: ImportSummary): Promise<void> {
  await db.insert("baseline_imports", [
    {
      tenant_id: req.tenantId,
      workflow: req.workflow,
      checksum: s.checksum,
      import_id: s.importId,
      file_name: req.fileName.slice(0, 500),
      format: s.format,
      rows_read: s.rowsRead,
      rows_skipped: s.skipped,
      runs: s.runs,
      events: s.events,
      period_from: s.period ? new Date(s.period.from) : null,
      period_to: s.period ? new Date(s.period.to) : null,
      mapping: JSON.stringify(s.mapping),
      // Notices are rows kept with a remark; `kept` tells them from skipped rows.
      skipped: JSON.stringify([...s.skippedReasons, ...s.notices.map((n) => ({ ...n, kept: true }))]),
      imported_by: req.actor,
    },
  ]);
  const day = new Date().toISOString().slice(0, 10);
  await commitBatch(
    db,
    {
      ingestStats: [
        { tenant_id: req.tenantId, day, channel: "import", source: req.fileName.slice(0, 200), accepted: s.events, rejected: s.skipped },
      ],
    },
    { dedupToken: `${s.importId}:stats` },
  );
}
