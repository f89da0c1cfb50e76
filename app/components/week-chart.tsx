"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * A weekly series with vertical markers (anomalies), keyed by each week's Monday. A null week leaves a
 * gap: unknown is not drawn as 0.
 */
export function WeekChart({ data, label, markers, percent, locale, testId }: {
  data: { week: string; value: number | null }[];
  label: string;
  markers: { period: string; label: string }[];
  percent?: boolean;
  locale: string;
  testId: string;
}) {
  const fmt = new Intl.NumberFormat(locale, percent ? { style: "percent", maximumFractionDigits: 1 } : { maximumFractionDigits: 2 });
  const weeks = new Set(data.map((d) => d.week));
  if (data.length === 0) return <div className="flex h-56 items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500">No data in this window</div>;
  return (
    <div className="h-56" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 16, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="week" fontSize={11} />
          <YAxis tickFormatter={(v: number) => fmt.format(v)} fontSize={11} width={56} />
          <Tooltip formatter={(v) => [fmt.format(Number(v)), label]} />
          {markers
            .filter((m) => weeks.has(m.period))
            .map((m) => (
              <ReferenceLine key={`${m.period}-${m.label}`} x={m.period} stroke="#dc2626" strokeDasharray="3 3" label={{ value: m.label, position: "insideTopLeft", fontSize: 10, fill: "#b91c1c" }} />
            ))}
          <Line dataKey="value" name={label} stroke="#4f46e5" strokeWidth={2} isAnimationActive={false} dot={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
