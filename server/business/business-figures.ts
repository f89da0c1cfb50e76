import type { Db } from "@/clickhouse/client";
import { type MonthlyImportRequest, type MonthlySummary, importMonthly } from "@/ingest/business/import-monthly";
import { MonthlyFileError } from "@/ingest/business/monthly-csv";
import { lockBaselineYear } from "@/metrics/business-baseline-year";
import { audit } from "@/server/audit";

type Who = { actorEmail?: string; ip?: string };

/**
 * The one entry point for monthly business-figure imports from the CLI and the Settings upload: the
 * import lives in ingest/ (which knows nothing of the audit log); every attempt, refused or not, is
 * audited here. A preview is not a change and is not audited.
 */
export async function auditedMonthlyImport(db: Db, req: MonthlyImportRequest, who: Who = {}): Promise<MonthlySummary> {
  if (req.dryRun) return importMonthly(db, req);
  const entry = { tenantId: req.tenantId, actorId: req.actor, ...who, kind: "change" as const, action: "business.import", inputSummary: `file=${req.fileName.slice(0, 200)}` };
  try {
    const s = await importMonthly(db, req);
    const again = s.status === "reimported" ? `; the same file was imported ${s.previously}, its figures replaced` : "";
    await audit(db, { ...entry, result: "ok", detail: `import ${s.importId}: ${s.figures} figures, ${s.skippedCount} rows skipped, sha256 ${s.checksum}${again}` });
    return s;
  } catch (err) {
    await audit(db, { ...entry, result: "error", detail: err instanceof MonthlyFileError ? err.message : "internal error" });
    throw err;
  }
}

/** Locks the business baseline year as a new version, audited with its reason. */
export async function auditedLockYear(
  db: Db,
  o: { tenantId: string; from: string; method: "before-go-live" | "declared"; reason: string; actor: string },
  who: Who = {},
): Promise<number> {
  const version = await lockBaselineYear(db, o);
  await audit(db, { tenantId: o.tenantId, actorId: o.actor, ...who, kind: "change", action: "business.lock-year", inputSummary: `from=${o.from} method=${o.method}`, result: "ok", detail: `version ${version}: ${o.reason.slice(0, 300)}` });
  return version;
}
