"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import type { ImportPreview } from "@/ingest/baseline/preview-import";
import type { ImportSummary } from "@/ingest/baseline/import-baseline";

type Line = { progress?: { rows: number; bytes: number; totalBytes?: number }; summary?: ImportSummary; error?: string };

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/** Upload → preview (nothing written) → commit with a progress bar; both steps post the same file. */
export function BaselineUpload({ tenant, workflows }: { tenant: string; workflows: string[] }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const post = (mode: "preview" | "commit") => {
    const data = new FormData(formRef.current ?? undefined);
    data.set("tenant", tenant);
    data.set("mode", mode);
    return fetch("/api/baseline/import", { method: "POST", body: data });
  };

  const onPreview = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSummary(null);
    setPreview(null);
    const res = await post("preview");
    if (!res.ok) return setError(await res.text());
    setPreview((await res.json()) as ImportPreview);
  };

  const onCommit = async () => {
    setError(null);
    setProgress(0);
    const res = await post("commit");
    if (!res.ok || !res.body) {
      setProgress(null);
      return setError(await res.text());
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const l of lines.filter(Boolean)) {
        const msg = JSON.parse(l) as Line;
        if (msg.progress?.totalBytes) setProgress(msg.progress.bytes / msg.progress.totalBytes);
        if (msg.summary) setSummary(msg.summary);
        if (msg.error) setError(msg.error);
      }
    }
    setProgress(null);
    setPreview(null);
    router.refresh();
  };

  return (
    <div>
      <form ref={formRef} onSubmit={onPreview} className="flex flex-wrap items-end gap-3" aria-label="Baseline import">
        <label className="flex flex-col text-xs text-slate-600">
          Workflow
          <input name="workflow" list="baseline-workflows" required className={field} />
          <datalist id="baseline-workflows">{workflows.map((w) => <option key={w} value={w} />)}</datalist>
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          Time zone of the export
          <input name="timeZone" defaultValue="UTC" className={field} />
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          {/* The name the route's refusals cite ("Date order"): one order per file, never guessed per row. */}
          Date order
          <select name="dateOrder" defaultValue="auto" className={field} onChange={() => { setPreview(null); setSummary(null); }}>
            <option value="auto">Automatic (from the file&apos;s dates)</option>
            <option value="dmy">Day first (31/12/2024)</option>
            <option value="mdy">Month first (12/31/2024)</option>
          </select>
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          File (CSV, XES, gzip)
          <input name="file" type="file" required accept=".csv,.xes,.gz,.txt,.xml" className="text-sm" onChange={() => { setPreview(null); setSummary(null); }} />
        </label>
        <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">Preview</button>
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
          <button type="button" onClick={() => void onCommit()} disabled={progress !== null} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
            Commit import
          </button>
        </div>
      ) : null}
      {progress !== null ? (
        <div className="mt-3" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)} aria-label="Import progress">
          <div className="h-2 rounded bg-slate-200"><div className="h-2 rounded bg-indigo-600" style={{ width: `${Math.round(progress * 100)}%` }} /></div>
        </div>
      ) : null}
      {summary ? (
        <p role="status" className="mt-3 text-sm text-emerald-800" data-testid="baseline-summary">
          {summary.status === "imported" ? `Imported ${summary.runs} runs (${summary.events} events, ${summary.skipped} rows skipped${summary.notices.length ? `, ${summary.notices.reduce((n, r) => n + r.count, 0)} kept with a notice` : ""})` : "Already imported with these options: nothing added"} from {summary.fileName}
          {summary.period ? `, ${summary.period.from} to ${summary.period.to}` : ""}.
        </p>
      ) : null}
    </div>
  );
}
