import type { RunFilter } from "@/metrics/run-filter";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";
const label = "flex flex-col text-xs text-slate-600";

function Choice({ name, title, value, options }: { name: keyof RunFilter; title: string; value: string | undefined; options: [string, string][] }) {
  return (
    <label className={label}>
      {title}
      <select name={name} defaultValue={value ?? ""} className={field}>
        <option value="">any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Text({ name, title, value }: { name: keyof RunFilter; title: string; value: string | undefined }) {
  return (
    <label className={label}>
      {title}
      <input name={name} defaultValue={value ?? ""} maxLength={200} className={`${field} w-36`} />
    </label>
  );
}

const same = (vs: string[]): [string, string][] => vs.map((v) => [v, v]);

/**
 * The runs explorer's filters as a plain GET form, so it works before JavaScript loads and every view
 * is a link. Field names are the `RunFilter` keys that `runsHref` writes.
 */
export function RunFilterForm({ tenant, filter, workflows }: { tenant: string | undefined; filter: RunFilter; workflows: string[] }) {
  const flag = (v: boolean | undefined) => (v === undefined ? undefined : String(v));
  return (
    <form method="get" action="/runs" className="mb-4 flex flex-wrap items-end gap-3 text-sm" aria-label="Run filters" data-testid="run-filters">
      {tenant ? <input type="hidden" name="tenant" value={tenant} /> : null}
      {/* The workflows a firm-wide figure pooled, kept while the other filters change. */}
      {(filter.workflows ?? []).map((w) => <input key={w} type="hidden" name="workflows" value={w} />)}
      <Choice name="workflow" title="Workflow" value={filter.workflow} options={same(workflows)} />
      <Choice name="phase" title="Phase" value={filter.phase} options={same(["live", "baseline"])} />
      <Choice name="outcome" title="Outcome" value={filter.outcome} options={same(["completed", "exception", "failed", "cancelled", "unknown"])} />
      <Choice name="exception" title="Exception" value={flag(filter.exception)} options={[["true", "exception runs"], ["false", "not exceptions"]]} />
      <Choice name="straightThrough" title="Straight through" value={flag(filter.straightThrough)} options={[["true", "no person touched"], ["false", "a person touched"]]} />
      <Choice name="rework" title="Rework" value={flag(filter.rework)} options={[["true", "reworked"], ["false", "not reworked"]]} />
      <Text name="reason" title="Reason" value={filter.reason} />
      <Text name="model" title="Model" value={filter.model} />
      <Text name="promptVersion" title="Prompt version" value={filter.promptVersion} />
      <Choice name="actor" title="Step actor" value={filter.actor} options={same(["ai", "human", "system", "unknown"])} />
      <Text name="step" title="Step" value={filter.step} />
      <Text name="classification" title="Data class" value={filter.classification} />
      <label className={label}>
        From
        <input type="date" name="from" defaultValue={filter.from ?? ""} className={field} />
      </label>
      <label className={label}>
        To
        <input type="date" name="to" defaultValue={filter.to ?? ""} className={field} />
      </label>
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
        Apply
      </button>
    </form>
  );
}
