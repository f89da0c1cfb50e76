import type { FreshnessResult } from "@/metrics/registry";

/** Marks a tile whose numbers rest on sources that are behind their SLA; names them on hover and for screen readers. */
export function FreshnessBadge({ freshness }: { freshness: FreshnessResult }) {
  const stale = freshness.sources.filter((s) => s.breach === true);
  if (stale.length === 0) return null;
  const names = stale.map((s) => s.source).join(", ");
  return (
    <span title={`Stale sources: ${names}`} className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="freshness-badge">
      {stale.length} stale source{stale.length > 1 ? "s" : ""}
      <span className="sr-only">: {names}</span>
    </span>
  );
}
