import { staleFeeding, type StaleSource } from "@/server/routers/staleness";

/**
 * Marks a tile whose own numbers rest on a stale source: one that feeds a workflow the tile counts
 * (metrics/source-feeds.ts). A tile over other workflows gets no badge; the page's banner names every
 * stale source once. Names them on hover and for screen readers.
 */
export function FreshnessBadge({ stale, workflows }: { stale: readonly StaleSource[]; workflows: readonly string[] }) {
  const mine = staleFeeding(stale, workflows);
  if (mine.length === 0) return null;
  const names = mine.map((s) => s.source).join(", ");
  return (
    <span title={`Rests on stale sources: ${names}`} className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="freshness-badge" data-sources={names}>
      {mine.length === 1 ? `${names} stale` : `${mine.length} stale sources`}
      <span className="sr-only">: {names}</span>
    </span>
  );
}
