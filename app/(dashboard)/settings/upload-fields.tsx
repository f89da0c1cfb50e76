const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/**
 * Zones offered in the time zone field; any IANA name may be typed (the importer checks it). A fixed
 * list, not the browser's, so the server's render and the browser's agree.
 */
const ZONES = ["UTC", "Europe/London", "Europe/Amsterdam", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney"];

/** The upload's own fields: which workflow, how to read times (zone, date order), and the file. */
export function UploadFields({ workflows, onStale, onFile }: { workflows: string[]; onStale: () => void; onFile: () => void }) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col text-xs text-slate-600">
        Workflow
        <input name="workflow" list="baseline-workflows" required className={field} />
        <datalist id="baseline-workflows">{workflows.map((w) => <option key={w} value={w} />)}</datalist>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        Time zone of the export (for times without an offset)
        <input name="timeZone" defaultValue="UTC" list="baseline-zones" className={field} onChange={onStale} />
        <datalist id="baseline-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        {/* The name the route's refusals cite ("Date order"): one order per file, never guessed per row. */}
        Date order
        <select name="dateOrder" defaultValue="auto" className={field} onChange={onStale}>
          <option value="auto">Automatic (from the file&apos;s dates)</option>
          <option value="dmy">Day first (31/12/2024)</option>
          <option value="mdy">Month first (12/31/2024)</option>
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        File (CSV, XES, gzip)
        <input name="file" type="file" required accept=".csv,.xes,.gz,.txt,.xml" className="text-sm" onChange={onFile} />
      </label>
      <button type="submit" className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">Preview</button>
    </div>
  );
}
