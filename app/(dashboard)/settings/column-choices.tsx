import { FIELDS, type Field } from "@/ingest/baseline/column-mapping";

const LABELS: Record<Field, string> = {
  caseId: "Case id",
  activity: "Activity",
  timestamp: "Timestamp",
  startTimestamp: "Start timestamp",
  lifecycle: "Lifecycle",
  resource: "Resource",
  role: "Role",
  humanMinutes: "Human minutes",
  start: "Case start",
  end: "Case end",
  outcome: "Outcome",
};

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/**
 * One select per field, offering the file's header: left on "detect", the importer picks the column
 * by its name (column-mapping.ts); a choice is sent as `map.<field>` and wins over detection.
 */
export function ColumnChoices({ headers, detected, onChange }: { headers: string[]; detected: Record<string, string>; onChange: () => void }) {
  return (
    <fieldset className="mt-3 rounded border border-slate-200 p-3" data-testid="baseline-columns">
      <legend className="px-1 text-sm font-medium">Columns</legend>
      <p className="mb-2 text-xs text-slate-600">Which column of the file holds each field. Event logs need case id, activity and timestamp; case lists need case id, case start and case end.</p>
      <div className="grid grid-cols-2 gap-2 md:grid-cols-4">
        {FIELDS.map((f) => (
          <label key={f} className="flex flex-col text-xs text-slate-600">
            {LABELS[f]}
            <select name={`map.${f}`} defaultValue="" onChange={onChange} className={field}>
              <option value="">{detected[f] ? `detect (${detected[f]})` : "detect (none found)"}</option>
              {headers.map((h) => (
                <option key={h} value={h}>{h}</option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
