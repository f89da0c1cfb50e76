import type { Db } from "@/clickhouse/client";
import { ImportFileError } from "@/ingest/baseline/baseline-event";
import { importBaseline, type ImportRequest, type ImportSummary } from "@/ingest/baseline/import-baseline";
import { audit } from "@/server/audit";

/**
 * The one entry point for baseline imports from the CLI and the Settings page: the import itself
 * lives in ingest/ (which knows nothing of the audit log); every attempt, refused or not, is audited here.
 */
export async function auditedImport(db: Db, req: ImportRequest, who: { actorEmail?: string; ip?: string } = {}): Promise<ImportSummary> {
  // `who` is what the CLI cannot know and the web request can: the e-mail and the client IP.
  const entry = {
    tenantId: req.tenantId,
    actorId: req.actor,
    actorEmail: who.actorEmail,
    ip: who.ip,
    kind: "change" as const,
    action: "baseline.import",
    inputSummary: `workflow=${req.workflow} file=${req.fileName.slice(0, 200)}`,
  };
  try {
    const s = await importBaseline(db, req);
    await audit(db, {
      ...entry,
      result: "ok",
      detail:
        s.status === "imported"
          ? `import ${s.importId}: ${s.runs} runs, ${s.events} events, ${s.skipped} rows skipped, sha256 ${s.checksum}`
          : `already imported as ${s.importId}; nothing added`,
    });
    return s;
  } catch (err) {
    await audit(db, { ...entry, result: "error", detail: err instanceof ImportFileError ? err.message : "internal error" });
    throw err;
  }
}
