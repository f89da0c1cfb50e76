import type { AuditPageParams } from "./audit-query";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/** The filters as a plain GET form: the URL holds the view, so a filtered log can be linked to. */
export function AuditFilterForm({ params, error }: { params: AuditPageParams; error: string | null }) {
  const input = (name: "actor" | "action" | "from" | "to", label: string, type = "text") => (
    <label className="flex flex-col text-xs text-slate-600">
      {label}
      <input name={name} type={type} defaultValue={params[name] ?? ""} aria-invalid={name === "to" && Boolean(error)} className={field} />
    </label>
  );
  return (
    <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Filter the audit log">
      {params.tenant ? <input type="hidden" name="tenant" value={params.tenant} /> : null}
      {input("actor", "Actor (e-mail or user id)")}
      {input("action", "Action (e.g. alerts.create)")}
      <label className="flex flex-col text-xs text-slate-600">
        Result
        <select name="result" defaultValue={params.result ?? ""} className={field}>
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="denied">denied</option>
          <option value="error">error</option>
        </select>
      </label>
      {input("from", "From (UTC day)", "date")}
      {input("to", "To (UTC day, inclusive)", "date")}
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
        Filter
      </button>
      {error ? (
        <p role="alert" data-testid="audit-filter-error" className="w-full text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
