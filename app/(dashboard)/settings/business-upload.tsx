"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import type { MonthlySummary } from "@/ingest/business/import-monthly";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

function SummaryView({ s, testId }: { s: MonthlySummary; testId: string }) {
  const title = s.status === "preview" ? "Would import" : s.status === "reimported" ? "Imported again: figures replaced, nothing added twice" : "Imported";
  return (
    <div data-testid={testId} className="mt-3 rounded border border-slate-200 p-3 text-sm">
      <p className="font-medium">
        {title}: {s.figures} figures{s.months ? `, ${s.months.first} to ${s.months.last}` : ""}
      </p>
      <ul className="mt-1 list-disc pl-5 text-slate-600">
        {s.measures.map((m) => (
          <li key={m.measure}>
            {m.measure}: {m.figures}
            {m.missing_months.length ? <span className="text-amber-700"> — no figure for {m.missing_months.join(", ")} (left unknown)</span> : null}
          </li>
        ))}
      </ul>
      {s.skippedCount > 0 ? (
        <div className="mt-2">
          <p className="font-medium text-amber-800">Skipped {s.skippedCount} rows</p>
          <ul className="list-disc pl-5 text-slate-600" data-testid={`${testId}-skipped`}>
            {s.skipped.map((k) => (
              <li key={k.reason}>
                {k.reason} ×{k.count}: line{k.lines.length > 1 ? "s" : ""} {k.lines.join(", ")}
                {k.count > k.lines.length ? ", …" : ""}
                {k.example ? ` (e.g. ${k.example})` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Monthly business figures: upload → preview (nothing written) → import; the same file both times. */
export function BusinessUpload({ tenant }: { tenant: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [preview, setPreview] = useState<MonthlySummary | null>(null);
  const [summary, setSummary] = useState<MonthlySummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const post = async (mode: "preview" | "commit"): Promise<MonthlySummary | null> => {
    const data = new FormData(formRef.current ?? undefined);
    data.set("tenant", tenant);
    data.set("mode", mode);
    setBusy(true);
    try {
      const res = await fetch("/api/business/import", { method: "POST", body: data });
      if (!res.ok) {
        setError((await res.text()).trim());
        return null;
      }
      return (await res.json()) as MonthlySummary;
    } finally {
      setBusy(false);
    }
  };

  const onPreview = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSummary(null);
    setPreview(await post("preview"));
  };

  const onCommit = async () => {
    setError(null);
    const s = await post("commit");
    if (s) {
      setSummary(s);
      setPreview(null);
      router.refresh();
    }
  };

  return (
    <div>
      <p className="mb-2 text-xs text-slate-500">
        A CSV with the columns <code>period</code> (YYYY-MM), <code>measure</code> and <code>value</code>, and optionally <code>currency</code>,{" "}
        <code>work_category</code>, <code>staff_seniority</code>, <code>workflow</code> and <code>business_unit</code>. Importing a corrected file replaces
        the figures of its months.
      </p>
      <form ref={formRef} onSubmit={onPreview} className="flex flex-wrap items-end gap-3" aria-label="Business figures import">
        <input type="file" name="file" accept=".csv,text/csv" required className={field} />
        <button type="submit" disabled={busy} className="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          Preview
        </button>
      </form>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {preview ? (
        <>
          <SummaryView s={preview} testId="business-preview" />
          <button type="button" onClick={onCommit} disabled={busy || preview.figures === 0} className="mt-2 rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
            Import {preview.figures} figures
          </button>
        </>
      ) : null}
      {summary ? <SummaryView s={summary} testId="business-summary" /> : null}
    </div>
  );
}
