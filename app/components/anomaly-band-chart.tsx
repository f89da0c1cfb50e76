"use client";

import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface BandDay {
  day: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
  outside: boolean;
  firing: boolean;
}

/**
 * An anomaly rule's expected band (shaded, floored at zero: none of its series goes below) and the
 * observed daily value (line); days outside the band are red dots. An unknown day leaves a gap.
 */
export function AnomalyBandChart({ days, unit, locale }: { days: BandDay[]; unit: "ratio" | "hours" | "runs" | "minutes" | "usd"; locale: string }) {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: unit === "usd" ? 4 : 2 });
  const fmt = (v: number) => (unit === "ratio" ? `${number.format(v * 100)}%` : unit === "usd" ? `$${number.format(v)}` : `${number.format(v)} ${unit === "hours" ? "h" : unit === "minutes" ? "min" : ""}`.trim());
  const data = days.map((d) => ({ ...d, band: d.lower === null || d.upper === null ? null : [Math.max(0, d.lower), d.upper] }));
  if (days.length === 0) return <div className="flex h-64 items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500">No data</div>;
  return (
    <div className="h-64" data-testid="anomaly-band-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="day" fontSize={11} />
          <YAxis tickFormatter={fmt} fontSize={11} width={64} />
          <Tooltip formatter={(v, name) => [Array.isArray(v) ? `${fmt(Number(v[0]))}–${fmt(Number(v[1]))}` : fmt(Number(v)), name]} />
          <Area dataKey="band" name="Expected band" stroke="none" fill="#c7d2fe" fillOpacity={0.7} isAnimationActive={false} />
          <Line
            dataKey="value"
            name="Observed"
            stroke="#4f46e5"
            strokeWidth={2}
            isAnimationActive={false}
            dot={(p: { cx?: number; cy?: number; index?: number; payload?: BandDay }) =>
              p.payload?.outside && p.cx !== undefined && p.cy !== undefined ? (
                <circle key={`o-${p.index}`} data-testid="anomaly-day" data-day={p.payload.day} cx={p.cx} cy={p.cy} r={4} fill={p.payload.firing ? "#dc2626" : "#f59e0b"} />
              ) : (
                <g key={`n-${p.index}`} />
              )
            }
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
