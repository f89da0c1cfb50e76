"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useTransition } from "react";

/**
 * Window and workflow filters kept in the URL, so a copied link reproduces the view. A native form:
 * keyboard accessible, and it works before JavaScript has loaded (GET to the same page).
 */
export function FilterBar({ workflows = [], extra }: { workflows?: string[]; extra?: React.ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, start] = useTransition();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = new URLSearchParams(search.toString());
    for (const [k, v] of new FormData(e.currentTarget).entries()) {
      if (typeof v === "string" && v) q.set(k, v);
      else q.delete(k);
    }
    start(() => router.push(`${pathname}?${q.toString()}`));
  };
  return (
    <form onSubmit={submit} method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm" aria-label="Filters">
      {search.get("tenant") ? <input type="hidden" name="tenant" value={search.get("tenant") ?? ""} /> : null}
      <label className="flex flex-col text-xs text-slate-600">
        From
        <input type="date" name="from" defaultValue={search.get("from") ?? ""} className="rounded border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        To
        <input type="date" name="to" defaultValue={search.get("to") ?? ""} className="rounded border border-slate-300 px-2 py-1 text-sm" />
      </label>
      {workflows.length ? (
        <label className="flex flex-col text-xs text-slate-600">
          Workflow
          <select name="workflow" defaultValue={search.get("workflow") ?? ""} className="rounded border border-slate-300 px-2 py-1 text-sm">
            <option value="">All workflows</option>
            {workflows.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {extra}
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
        {pending ? "Loading…" : "Apply"}
      </button>
      <p className="text-xs text-slate-500">Default window: the last 30 days (UTC).</p>
    </form>
  );
}
