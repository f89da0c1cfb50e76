"use client";

export interface ModelRow {
  dataClass: string;
  /** Comma-separated model names, as typed. */
  models: string;
}

const field = "rounded border border-slate-300 px-2 py-1 text-sm";
const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Rows from the stored JSON (`{"phi": ["gpt-4o-mini"]}`); text that is not that shape starts empty. */
export function modelRowsOf(json: string | undefined): ModelRow[] {
  try {
    const v: unknown = JSON.parse(json ?? "{}");
    if (v === null || typeof v !== "object" || Array.isArray(v)) return [];
    return Object.entries(v).map(([dataClass, models]) => ({ dataClass, models: Array.isArray(models) ? models.join(", ") : "" }));
  } catch {
    return [];
  }
}

/** The rows as the stored shape; a data class named twice is reported rather than merged. */
export function modelsOf(rows: ModelRow[]): { value: Record<string, string[]>; duplicate?: string } {
  const value: Record<string, string[]> = {};
  for (const r of rows) {
    const key = r.dataClass.trim();
    if (key in value) return { value, duplicate: key };
    value[key] = r.models.split(",").map((m) => m.trim()).filter(Boolean);
  }
  return { value };
}

/** Approved models per data classification, one row each: the data class and its models. */
export function ApprovedModelsField({ id, rows, onChange, error }: { id: string; rows: ModelRow[]; onChange: (rows: ModelRow[]) => void; error?: string }) {
  const set = (i: number, patch: Partial<ModelRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="col-span-2 flex flex-col gap-1 text-xs text-slate-600 md:col-span-4" aria-describedby={error ? `${id}-error` : undefined}>
      {/* metrics/compliance.ts: AI steps on phi or privileged data need a model listed for their class. */}
      <legend>Approved models per data class (AI use of phi or privileged data with a model not listed is a policy violation)</legend>
      {rows.length === 0 ? <p className="text-slate-500">No models approved: every AI step on phi or privileged data counts as a violation.</p> : null}
      {rows.map((r, i) => (
        <div key={i} className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col">
            Data class
            <input value={r.dataClass} onChange={(e) => set(i, { dataClass: e.target.value })} placeholder="e.g. phi" className={field} />
          </label>
          <label className="flex flex-grow flex-col">
            Models (comma-separated)
            <input value={r.models} onChange={(e) => set(i, { models: e.target.value })} placeholder="e.g. gpt-4o-mini, claude-sonnet" className={field} />
          </label>
          <button type="button" className={button} aria-label={`Remove data class ${r.dataClass || i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <div>
        <button type="button" className={button} onClick={() => onChange([...rows, { dataClass: "", models: "" }])}>
          Add data class
        </button>
      </div>
      {error ? <p id={`${id}-error`} className="text-red-700">{error}</p> : null}
    </fieldset>
  );
}
