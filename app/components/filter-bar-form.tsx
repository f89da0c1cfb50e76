"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, type ReactNode, useTransition } from "react";
import { PRESETS } from "@/metrics/date-window";
import type { WindowState } from "./view-context";

const WINDOW_KEYS = ["from", "to", "range", "compare", "workflow"];
const field = "flex flex-col text-xs text-slate-600";
const input = "rounded border border-slate-300 px-2 py-1 text-sm";

/**
 * Window and workflow filters kept in the URL, so a copied link reproduces the view. A native form:
 * keyboard accessible, and it works before JavaScript has loaded (GET to the same page); presets are links.
 */
export function FilterBarForm({ workflows, extra, window }: { workflows: string[]; extra?: ReactNode; window: WindowState | undefined }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, start] = useTransition();
  const submit = (form: HTMLFormElement) => {
    const q = new URLSearchParams(search.toString());
    const data = new FormData(form);
    // A preset stays until days are typed: changing the workflow keeps "90 days".
    const typed = Boolean(data.get("from") || data.get("to"));
    for (const k of WINDOW_KEYS) if (k !== "range" || typed) q.delete(k);
    for (const [k, v] of data.entries()) if (typeof v === "string" && v) q.set(k, v);
    start(() => router.push(`${pathname}?${q.toString()}`));
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit(e.currentTarget);
  };
  const presetHref = (key: string) => {
    const q = new URLSearchParams(search.toString());
    q.delete("from");
    q.delete("to");
    q.set("range", key);
    return `${pathname}?${q.toString()}`;
  };
  const range = search.get("range");
  return (
    <div className="mb-4 space-y-2">
      <nav aria-label="Date presets" className="flex flex-wrap gap-1 text-xs">
        {PRESETS.map((p) => (
          <Link
            key={p.key}
            href={presetHref(p.key)}
            aria-current={range === p.key ? "true" : undefined}
            className={`rounded-full border px-2.5 py-1 ${range === p.key ? "border-indigo-600 bg-indigo-50 text-indigo-700" : "border-slate-300 text-slate-600 hover:bg-slate-100"}`}
          >
            {p.label}
          </Link>
        ))}
      </nav>
      <form onSubmit={onSubmit} method="get" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filters">
        {search.get("tenant") ? <input type="hidden" name="tenant" value={search.get("tenant") ?? ""} /> : null}
        <label className={field}>
          From
          <input type="date" name="from" defaultValue={search.get("from") ?? ""} className={input} />
        </label>
        <label className={field}>
          To
          <input type="date" name="to" defaultValue={search.get("to") ?? ""} className={input} />
        </label>
        {workflows.length ? (
          <label className={field}>
            Workflow
            <select name="workflow" defaultValue={search.get("workflow") ?? ""} className={input}>
              <option value="">All workflows</option>
              {workflows.map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="flex items-center gap-1.5 self-center text-xs text-slate-600">
          <input type="checkbox" name="compare" value="1" defaultChecked={search.get("compare") === "1"} onChange={(e) => e.currentTarget.form && submit(e.currentTarget.form)} />
          Compare with previous period
        </label>
        {extra}
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
          {pending ? "Loading…" : "Apply"}
        </button>
      </form>
      <WindowNote window={window} />
    </div>
  );
}

/** The window shown (UTC days), the period it is compared with, and why a typed range was refused. */
function WindowNote({ window }: { window: WindowState | undefined }) {
  if (!window) return <p className="text-xs text-slate-500">Default window: the last 30 days (UTC).</p>;
  const { applied, problem, previous } = window;
  return (
    <>
      {problem ? (
        <p role="alert" data-testid="window-problem" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problem} Showing the last 30 days instead.
        </p>
      ) : null}
      <p className="text-xs text-slate-500" data-testid="window-applied">
        Window: {applied.from} – {applied.to} (UTC days, inclusive)
        {previous ? `, compared with ${previous.from} – ${previous.to}` : ""}.
      </p>
    </>
  );
}
