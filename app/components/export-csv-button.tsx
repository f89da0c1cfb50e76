"use client";

import { toCsv, type CsvValue } from "./csv";

/** Downloads exactly the rows a table or chart shows, as CSV, without another server round trip. */
export function ExportCsvButton({ rows, filename, label = "Export CSV" }: { rows: Record<string, CsvValue>[]; filename: string; label?: string }) {
  return (
    <button
      type="button"
      disabled={rows.length === 0}
      onClick={() => {
        const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = filename;
        a.click();
        URL.revokeObjectURL(url);
      }}
      className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50"
    >
      {label}
    </button>
  );
}
