import type { ImportPreview } from "@/ingest/baseline/preview-import";

/** What the import would do with the file (nothing written yet), and the button that commits it. */
export function ImportPreviewPanel({ preview, committing, onCommit }: { preview: ImportPreview; committing: boolean; onCommit: () => void }) {
  return (
    <div className="mt-3 space-y-2 text-sm" data-testid="baseline-preview">
      <p>
        Format <strong>{preview.format}</strong>; columns: {Object.entries(preview.mapping).map(([k, v]) => `${k} ← ${v}`).join(", ")}.
        {preview.dateOrder ? ` Dates read ${preview.dateOrder === "dmy" ? "day first" : "month first"}.` : ""}
        {preview.alreadyImported ? " This exact file was already imported with these options: committing adds nothing." : ""}
      </p>
      <p>{preview.problems.length} problems among the first {preview.scanned} records{preview.problems.length ? `: ${preview.problems.slice(0, 3).map((p) => `line ${p.line}: ${p.reason}`).join("; ")}` : "."}</p>
      {preview.notices.length ? <p>{preview.notices.length} rows kept with a notice: {preview.notices.slice(0, 3).map((p) => `line ${p.line}: ${p.reason}${p.detail ? ` (${p.detail})` : ""}`).join("; ")}</p> : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Preview of mapped rows</caption>
          <thead><tr>{["Line", "Case", "Activity", "Time", "Actor", "Outcome"].map((h) => <th key={h} scope="col" className="px-1 py-1">{h}</th>)}</tr></thead>
          <tbody>{preview.rows.map((r) => <tr key={r.line}><td className="px-1">{r.line}</td><td className="px-1">{r.caseId}</td><td className="px-1">{r.activity}</td><td className="px-1">{r.time}</td><td className="px-1">{r.actor}</td><td className="px-1">{r.outcome}</td></tr>)}</tbody>
        </table>
      </div>
      <button type="button" onClick={onCommit} disabled={committing} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        Commit import
      </button>
    </div>
  );
}

/** The upload's bar: sending the file, then the server reading it, then done. */
export function ImportProgress({ phase, percent }: { phase: "Uploading" | "Importing" | "Done"; percent: number }) {
  return (
    <div className="mt-3" data-testid="baseline-progress" data-phase={phase}>
      <p className="text-xs text-slate-600">{phase === "Done" ? "Done" : `${phase}… ${percent}%`}</p>
      <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Import progress" className="h-2 rounded bg-slate-200">
        <div className="h-2 rounded bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
