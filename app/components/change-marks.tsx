import type { formatter } from "@/app/components/format";
import type { ChartMarker } from "@/app/components/marked-chart";
import type { ChangeMarker } from "@/metrics/progress";

/** Short codes keep a crowded period legible on a chart; the legend and the list below spell them out. */
const KIND: Record<ChangeMarker["kind"], string> = { "go-live": "G", baseline: "B", prompt: "P", model: "M" };
export const CHANGE_LEGEND = "Markers: G go-live · B baseline locked · P prompt change · M model change; the list below names each.";

/**
 * One marker per chart period, coding what happened in it ("G P2": a go-live and two prompt changes).
 * `periodOf` keys a day as the chart keys its points (its month, or its week's Monday).
 */
export function changeChartMarkers(markers: ChangeMarker[], periodOf: (day: string) => string): ChartMarker[] {
  const byPeriod = new Map<string, Map<string, number>>();
  for (const m of markers) {
    const period = periodOf(m.date);
    const kinds = byPeriod.get(period) ?? new Map<string, number>();
    kinds.set(KIND[m.kind], (kinds.get(KIND[m.kind]) ?? 0) + 1);
    byPeriod.set(period, kinds);
  }
  return [...byPeriod].map(([period, kinds]) => ({ period, label: [...kinds].map(([k, n]) => (n > 1 ? `${k}${n}` : k)).join(" ") }));
}

/** The events a chart marks, spelled out (the marker itself is a letter). */
export function ChangeList({ markers, f }: { markers: ChangeMarker[]; f: ReturnType<typeof formatter> }) {
  return (
    <details className="mt-2 text-xs text-slate-600 lg:col-span-2" data-testid="change-markers">
      <summary className="cursor-pointer">Marked on the charts: {markers.length} events (go-live, baseline locks, prompt and model changes)</summary>
      <ul className="mt-1 grid grid-cols-1 gap-0.5 sm:grid-cols-2">
        {markers.map((m) => (
          <li key={`${m.date}-${m.workflow}-${m.kind}-${m.label}`} data-kind={m.kind}>
            {f.date(m.date)}: {m.label}
          </li>
        ))}
      </ul>
    </details>
  );
}
