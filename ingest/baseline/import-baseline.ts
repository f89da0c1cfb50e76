import { createHash, randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { z } from "zod";
import { type Db, fromClickHouseTime } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import { ImportFileError, type ImportFormat } from "./baseline-event";
import { importOptions, type ImportOptions } from "./import-options";
import { checksumOf, type ImportSource, openSource } from "./open-source";
import { parseBaseline } from "./parse-baseline";
import { caseBuckets, publishStaged, stagedStats } from "./publish-import";
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
  period: { from: string; to: string } | null;
}

export const workflowName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, "a workflow name is letters, digits, dot, dash or underscore");

const previousRow = z.object({
  import_id: z.string(),
  format: z.string(),
  mapping: z.string(),
  rows_read: z.coerce.number(),
  rows_skipped: z.coerce.number(),
  runs: z.coerce.number(),
  events: z.coerce.number(),
  skipped: z.string(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
});

/** The import's id is derived from what is imported, so a retry of the same file targets the same rows. */
function importIdOf(tenantId: string, workflow: string, checksum: string): string {
  return createHash("sha256").update(`${tenantId}\n${workflow}\n${checksum}`).digest("hex").slice(0, 32);
}

const iso = (chTime: string | null) => (chTime ? fromClickHouseTime(chTime).toISOString() : null);

async function previousImport(db: Db, req: ImportRequest, checksum: string): Promise<ImportSummary | undefined> {
  const rows = await db.query(
    `SELECT import_id, format, mapping, rows_read, rows_skipped, runs, events, skipped,
            toString(period_from) AS period_from, toString(period_to) AS period_to
     FROM baseline_imports FINAL
     WHERE tenant_id = {tenant:String} AND workflow = {workflow:String} AND checksum = {checksum:String}
     LIMIT 1`,
    { tenant: req.tenantId, workflow: req.workflow, checksum },
    previousRow,
  );
  const p = rows[0];
  if (!p) return undefined;
  const from = iso(p.period_from);
  const to = iso(p.period_to);
  return {
    status: "already-imported",
    importId: p.import_id,
    workflow: req.workflow,
    fileName: req.fileName,
    format: z.enum(["csv-events", "csv-cases", "xes"]).catch("csv-events").parse(p.format),
    checksum,
    mapping: z.record(z.string(), z.string()).catch({}).parse(JSON.parse(p.mapping)),
    rowsRead: p.rows_read,
    runs: 0,
    events: 0,
    skipped: p.rows_skipped,
    skippedReasons: [],
    period: from && to ? { from, to } : null,
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
 * has been read, so a file-level error leaves nothing visible; re-importing the same file (same
 * checksum for the tenant and workflow) adds nothing. The CLI and the Settings page both call this.
 */
export async function importBaseline(db: Db, req: ImportRequest): Promise<ImportSummary> {
  const options = parseRequest(req);
  if (typeof req.source === "string" || req.source instanceof Uint8Array) {
    const done = await previousImport(db, req, await checksumOf(req.source));
    if (done) return done;
  }
  const source = openSource(req.source);
  const stager = new EventStager(db, req.tenantId, randomUUID().replace(/-/g, ""));
  const tally = new SkipTally();
  let mapping: Record<string, string> = {};
  let format: ImportFormat = "csv-events";
  let rowsRead = 0;
  let lastProgress = 0;
  const totalBytes =
    req.source instanceof Uint8Array ? req.source.length : typeof req.source === "string" ? (await stat(req.source)).size : undefined;
  try {
    for await (const item of parseBaseline(source.chunks, options)) {
      if (item.kind === "mapping") {
        mapping = item.mapping;
        format = item.format;
        continue;
      }
      rowsRead += 1;
      if (item.kind === "problem") tally.add(item.problem);
      else await stager.add(item.event);
      if (req.onProgress && rowsRead - lastProgress >= 10_000) {
        lastProgress = rowsRead;
        req.onProgress({ rows: rowsRead, bytes: source.bytesRead(), ...(totalBytes !== undefined ? { totalBytes } : {}) });
      }
    }
    await stager.flush();
    const checksum = source.checksum();
    const done = await previousImport(db, req, checksum);
    if (done) {
      await stager.discard();
      return done;
    }
    const keys = { tenant: req.tenantId, workflow: req.workflow, staging: stager.stagingId, importId: importIdOf(req.tenantId, req.workflow, checksum) };
    const buckets = await caseBuckets(db, keys, req.bucketEvents);
    const stats = await stagedStats(db, keys, buckets);
    const dups = stats.duplicates;
    if (dups.extra > 0) tally.add({ line: dups.lines[0] ?? 0, reason: "duplicate row" }, dups.extra, dups.lines);
    if (stats.runs === 0) {
      const why = tally.total ? `: all ${tally.total} rows were skipped (${tally.list().map((r) => `${r.reason} ×${r.count}, first at line ${r.lines[0]}`).join("; ")})` : ": the file has no data rows";
      throw new ImportFileError(`Nothing to import${why}`);
    }
    await publishStaged(db, keys, buckets, stats.starts > 0);
    const summary: ImportSummary = {
      status: "imported",
      importId: keys.importId,
      workflow: req.workflow,
      fileName: req.fileName,
      format,
      checksum,
      mapping,
      rowsRead,
      runs: stats.runs,
      events: stats.events,
      skipped: tally.total,
      skippedReasons: tally.list(),
      period: stats.periodFrom && stats.periodTo ? { from: iso(stats.periodFrom) ?? "", to: iso(stats.periodTo) ?? "" } : null,
    };
    await recordImport(db, req, summary);
    await stager.discard();
    return summary;
  } catch (err) {
    await stager.discard().catch(() => undefined);
    throw err;
  }
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
      skipped: JSON.stringify(s.skippedReasons),
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
