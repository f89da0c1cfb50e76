const tone: Record<string, string> = {
  met: "bg-emerald-100 text-emerald-800",
  "on track": "bg-sky-100 text-sky-800",
  "at risk": "bg-amber-100 text-amber-900",
  missed: "bg-red-100 text-red-800",
  "no data": "bg-slate-100 text-slate-600",
  "no target": "bg-slate-100 text-slate-600",
  upcoming: "bg-indigo-50 text-indigo-800",
  breached: "bg-red-100 text-red-800",
  ok: "bg-emerald-100 text-emerald-800",
  stale: "bg-amber-100 text-amber-900",
};

/** A status in words and colour (never colour alone). */
export function StatusPill({ status }: { status: string }) {
  return <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tone[status] ?? tone["no data"]}`}>{status}</span>;
}
