/**
 * The previous period's value on a KPI tile, with the direction of the change. Unknown stays
 * "Unknown" (docs/metrics.md): no arrow is drawn against a number the engine could not give.
 */
export function TileDelta({ current, previous, format }: { current: number | null | undefined; previous: number | null | undefined; format: (v: number | null) => string }) {
  const known = previous !== null && previous !== undefined;
  const arrow = !known || current === null || current === undefined ? "" : current > previous ? "▲ " : current < previous ? "▼ " : "= ";
  return (
    <span className="shrink-0 whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="tile-previous" data-previous={known ? String(previous) : "unknown"}>
      {arrow}
      previous {known ? format(previous) : "Unknown"}
    </span>
  );
}
