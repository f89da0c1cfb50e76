"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import type { ImportSummary as Summary } from "@/ingest/baseline/import-baseline";
import type { ImportPreview } from "@/ingest/baseline/preview-import";
import { ColumnChoices } from "./column-choices";
import { ImportPreviewPanel, ImportProgress } from "./import-preview";
import { ImportSummary } from "./import-summary";
import { postImport } from "./post-import";
import { UploadFields } from "./upload-fields";

/** Sending the file and importing it are the two halves of the bar; a local upload is mostly the second. */
type Progress = { phase: "Uploading" | "Importing" | "Done"; fraction: number };
const overall = (p: Progress) => (p.phase === "Uploading" ? p.fraction * 0.3 : p.phase === "Importing" ? 0.3 + p.fraction * 0.7 : 1);

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

  return (
    <div>
      <form ref={formRef} onSubmit={onPreview} aria-label="Baseline import">
        <UploadFields workflows={workflows} onStale={stale} onFile={() => { stale(); setHeader(null); setFileVersion((v) => v + 1); }} />
        {header && header.headers.length ? <ColumnChoices key={header.file} headers={header.headers} detected={header.detected} onChange={stale} /> : null}
      </form>
      {error ? <p role="alert" className="mt-2 text-sm text-red-700">{error}</p> : null}
      {preview ? <ImportPreviewPanel preview={preview} committing={progress !== null && progress.phase !== "Done"} onCommit={() => void onCommit()} /> : null}
      {progress ? <ImportProgress phase={progress.phase} percent={Math.round(overall(progress) * 100)} /> : null}
      {summary ? <ImportSummary summary={summary} /> : null}
    </div>
  );
}
