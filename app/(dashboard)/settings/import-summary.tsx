import type { ImportSummary as Summary } from "@/ingest/baseline/import-baseline";
import type { SkippedReason } from "@/ingest/baseline/skip-tally";

/** "lines 4, 7, 9 and 12 more": the importer keeps the first few line numbers of each reason (skip-tally.ts). */
function linesOf(r: SkippedReason): string {
  const more = r.count - r.lines.length;
  return `line${r.lines.length === 1 ? "" : "s"} ${r.lines.join(", ")}${more > 0 ? ` and ${more.toLocaleString("en-US")} more` : ""}`;
}

function Reasons({ title, reasons, testId }: { title: string; reasons: SkippedReason[]; testId: string }) {
  if (reasons.length === 0) return null;
  return (
    <div>
      <p className="font-medium">{title}</p>
      <ul className="ml-4 list-disc" data-testid={testId}>
        {reasons.map((r) => (
          <li key={r.reason}>
            {r.reason}: {r.count.toLocaleString("en-US")} row{r.count === 1 ? "" : "s"}, {linesOf(r)}
            {r.example ? <span className="text-slate-600"> (e.g. &quot;{r.example}&quot;)</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The end of an import: what was added, and which lines were skipped or kept with a notice, and why. */
export function ImportSummary({ summary }: { summary: Summary }) {
  const kept = summary.notices.reduce((n, r) => n + r.count, 0);
  return (
    <div role="status" className="mt-3 space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="baseline-summary">
      <p>
        {summary.status === "imported" ? `Imported ${summary.runs} runs (${summary.events} events from ${summary.rowsRead} records)` : "Already imported with these options: nothing added"} from {summary.fileName}
        {summary.period ? `, ${summary.period.from} to ${summary.period.to}` : ""}.
      </p>
      <p>
        {summary.skipped === 0 ? "No rows skipped." : `${summary.skipped.toLocaleString("en-US")} rows skipped:`}
        {kept ? ` ${kept.toLocaleString("en-US")} kept with a notice.` : ""}
      </p>
      <Reasons title="Skipped" reasons={summary.skippedReasons} testId="baseline-skipped" />
      <Reasons title="Kept with a notice" reasons={summary.notices} testId="baseline-notices" />
    </div>
  );
}
