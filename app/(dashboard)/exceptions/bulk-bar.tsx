export interface BulkResult {
  acknowledged: number;
  results: { runId: string; ok: boolean; error?: string }[];
}

/** Bulk acknowledge of the selected rows, and what became of each run: a partial failure names the runs it left alone and why. */
export function BulkBar({ count, busy, result, onAcknowledge }: { count: number; busy: boolean; result: BulkResult | null; onAcknowledge: () => void }) {
  const failed = result?.results.filter((r) => !r.ok) ?? [];
  return (
    <div className="mb-2 flex flex-wrap items-center gap-3 text-sm" data-testid="bulk-bar">
      <button
        type="button"
        disabled={count === 0 || busy}
        onClick={onAcknowledge}
        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50"
      >
        Acknowledge selected ({count})
      </button>
      {result ? (
        <p role="status" className="text-xs text-slate-600" data-testid="bulk-result">
          Acknowledged {result.acknowledged} of {result.results.length}.
          {failed.length ? ` Not acknowledged: ${failed.map((f) => `${f.runId} (${f.error ?? "refused"})`).join(", ")}.` : null}
        </p>
      ) : null}
    </div>
  );
}
