import type { AnomalyMarker } from "@/server/alerts/anomaly-markers";

/** The Monday (UTC) of a day's week, as the weekly charts key their points. */
export const mondayOf = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
};

/** One chart marker per period with anomalies ("A" or "A3"), keyed as the chart keys its points. */
export function anomalyChartMarkers(anomalies: AnomalyMarker[], periodOf: (day: string) => string): { period: string; label: string }[] {
  const counts = new Map<string, number>();
  for (const a of anomalies) counts.set(periodOf(a.date), (counts.get(periodOf(a.date)) ?? 0) + 1);
  return [...counts].map(([period, n]) => ({ period, label: n > 1 ? `A${n}` : "A" }));
}

/** The anomalies a chart marks, spelled out under it (the marker itself is a letter). */
export function AnomalyList({ anomalies }: { anomalies: AnomalyMarker[] }) {
  if (anomalies.length === 0) return null;
  return (
    <ul className="mt-1 text-xs text-slate-600" data-testid="anomaly-markers">
      {anomalies.map((a) => (
        <li key={`${a.date}-${a.workflow}-${a.series}`} data-testid="anomaly-marker" data-date={a.date}>
          A · {a.date}: anomaly in {a.label}
        </li>
      ))}
    </ul>
  );
}
