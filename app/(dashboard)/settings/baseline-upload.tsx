"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import type { ImportSummary as Summary } from "@/ingest/baseline/import-baseline";
import type { ImportPreview } from "@/ingest/baseline/preview-import";
import { ColumnChoices } from "./column-choices";
import { ImportSummary } from "./import-summary";
import { postImport } from "./post-import";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/** Sending the file and importing it are the two halves of the bar; a local upload is mostly the second. */
type Progress = { phase: "Uploading" | "Importing" | "Done"; fraction: number };
const overall = (p: Progress) => (p.phase === "Uploading" ? p.fraction * 0.3 : p.phase === "Importing" ? 0.3 + p.fraction * 0.7 : 1);

/**
 * Zones offered in the time zone field; any IANA name may be typed (the importer checks it). A fixed
 * list, not the browser's, so the server's render and the browser's agree.
 */
const ZONES = ["UTC", "Europe/London", "Europe/Amsterdam", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney"];

/** A refusal of the route: text, or JSON with the file's header when a column must be chosen. */
function refusal(contentType: string, body: string): { error: string; headers?: string[] } {
  if (!contentType.includes("json")) return { error: body.trim() };
  try {
    return JSON.parse(body) as { error: string; headers?: string[] };
  } catch {
    return { error: body.trim() };
  }
}

/** Upload → preview (nothing written; columns can be chosen) → commit with a progress bar; both post the same form. */
export function BaselineUpload({ tenant, workflows }: { tenant: string; workflows: string[] }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [header, setHeader] = useState<{ headers: string[]; detected: Record<string, string>; file: number } | null>(null);
  const [fileVersion, setFileVersion] = useState(0);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const formData = (mode: "preview" | "commit") => {
    const data = new FormData(formRef.current ?? undefined);
    data.set("tenant", tenant);
    data.set("mode", mode);
    return data;
  };
  const stale = () => {
    setPreview(null);
    setSummary(null);
  };

  const onPreview = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    stale();
    setProgress(null);
    const res = await fetch("/api/baseline/import", { method: "POST", body: formData("preview") });
    if (!res.ok) {
      const r = refusal(res.headers.get("content-type") ?? "", await res.text());
      if (r.headers) setHeader({ headers: r.headers, detected: header?.detected ?? {}, file: fileVersion });
      return setError(r.error);
    }
    const p = (await res.json()) as ImportPreview;
    setPreview(p);
    setHeader({ headers: p.headers, detected: p.mapping, file: fileVersion });
  };

  const onCommit = async () => {
    setError(null);
    setProgress({ phase: "Uploading", fraction: 0 });
    try {
      const res = await postImport(formData("commit"), {
        upload: (fraction) => setProgress({ phase: "Uploading", fraction }),
        line: (msg) => {
          if (msg.progress?.totalBytes) setProgress({ phase: "Importing", fraction: msg.progress.bytes / msg.progress.totalBytes });
          if (msg.summary) {
            setSummary(msg.summary as Summary);
            setProgress({ phase: "Done", fraction: 1 });
          }
          if (msg.error) setError(msg.error);
        },
      });
      if (!res.ok) setError(refusal(res.contentType, res.text).error);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    setProgress((p) => (p?.phase === "Done" ? p : null));
    setPreview(null);
    router.refresh();
  };

  const percent = progress ? Math.round(overall(progress) * 100) : 0;
  return (
    <div>
      <form ref={formRef} onSubmit={onPreview} aria-label="Baseline import">
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-xs text-slate-600">
            Workflow
            <input name="workflow" list="baseline-workflows" required className={field} />
            <datalist id="baseline-workflows">{workflows.map((w) => <option key={w} value={w} />)}</datalist>
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            Time zone of the export (for times without an offset)
            <input name="timeZone" defaultValue="UTC" list="baseline-zones" className={field} onChange={stale} />
            <datalist id="baseline-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            {/* The name the route's refusals cite ("Date order"): one order per file, never guessed per row. */}
            Date order
            <select name="dateOrder" defaultValue="auto" className={field} onChange={stale}>
              <option value="auto">Automatic (from the file&apos;s dates)</option>
              <option value="dmy">Day first (31/12/2024)</option>
              <option value="mdy">Month first (12/31/2024)</option>
            </select>
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            File (CSV, XES, gzip)
            <input name="file" type="file" required accept=".csv,.xes,.gz,.txt,.xml" className="text-sm" onChange={() => { stale(); setHeader(null); setFileVersion((v) => v + 1); }} />
          </label>
          <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">Preview</button>
        </div>
        {header && header.headers.length ? <ColumnChoices key={header.file} headers={header.headers} detected={header.detected} onChange={stale} /> : null}
      </form>
      {error ? <p role="alert" className="mt-2 text-sm text-red-700">{error}</p> : null}
      {preview ? (
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
          <button type="button" onClick={() => void onCommit()} disabled={progress !== null && progress.phase !== "Done"} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
            Commit import
          </button>
        </div>
      ) : null}
      {progress ? (
        <div className="mt-3" data-testid="baseline-progress" data-phase={progress.phase}>
          <p className="text-xs text-slate-600">{progress.phase === "Done" ? "Done" : `${progress.phase}… ${percent}%`}</p>
          <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Import progress" className="h-2 rounded bg-slate-200">
            <div className="h-2 rounded bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
          </div>
        </div>
      ) : null}
      {summary ? <ImportSummary summary={summary} /> : null}
    </div>
  );
}
