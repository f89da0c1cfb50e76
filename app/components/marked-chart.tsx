"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** One point per period; `href` opens the runs behind it. */
export type MarkedPoint = { period: string; href: string } & Record<string, string | number | null>;

export interface MarkedSeries {
  key: string;
  label: string;
  /** "money" formats in `currency`; "hours" as hours. */
  unit: "money" | "hours";
  color: string;
  /** The right-hand axis, for a second unit. */
  right?: boolean;
  dashed?: boolean;
}

export interface ChartMarker {
  period: string;
  label: string;
}

/** Links each drawn point to the runs behind it; recharts calls this once per point of a line. */
function pointLink(color: string, label: string) {
  function PointLink(props: { cx?: number; cy?: number; index?: number; payload?: MarkedPoint; value?: unknown }) {
    const { cx, cy, index, payload } = props;
    if (cx === undefined || cy === undefined || cy === null || !payload || props.value === null) return <g key={`none-${label}-${index}`} />;
    return (
      <a key={`${label}-${index}`} href={payload.href} data-testid="chart-point" data-period={payload.period} aria-label={`${label}, ${payload.period}: runs`}>
        <circle cx={cx} cy={cy} r={5} fill={color} stroke="white" strokeWidth={1.5} />
      </a>
    );
  }
  return PointLink;
}

/**
 * A monthly (periods "YYYY-MM") or weekly (periods are the weeks' Mondays) chart whose points are links
 * to the runs behind them, with vertical markers (go-live, baseline locks, prompt and model changes,
 * anomalies, payback). A null value leaves a gap: unknown is not drawn as 0.
 */
export function MarkedChart({ data, series, markers, locale, currency, testId, grain = "month" }: {
  data: MarkedPoint[];
  series: MarkedSeries[];
  markers: ChartMarker[];
  locale: string;
  currency: string;
  testId: string;
  grain?: "month" | "week";
}) {
  const money = new Intl.NumberFormat(locale, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
  const hours = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  const fmt = (unit: MarkedSeries["unit"]) => (v: number) => (unit === "money" ? money.format(v) : `${hours.format(v)} h`);
  const month = (p: string) =>
    grain === "week"
      ? new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${p}T00:00:00Z`))
      : new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" }).format(new Date(`${p}-01T00:00:00Z`));
  const periods = new Set(data.map((d) => d.period));
  const axes = [...new Map(series.map((s) => [s.right ? ("right" as const) : ("left" as const), s.unit])).entries()];
  if (data.length === 0) return <div className="flex h-64 items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500">No data</div>;
  return (
    <div className="h-64" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 16, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="period" tickFormatter={month} fontSize={11} />
          {axes.map(([side, unit]) => (
            <YAxis key={side} yAxisId={side} orientation={side} tickFormatter={fmt(unit)} fontSize={11} width={64} />
          ))}
          <Tooltip labelFormatter={(p) => month(String(p))} formatter={(v, name) => [fmt(series.find((s) => s.label === name)?.unit ?? "hours")(Number(v)), name]} />
          {markers.filter((m) => periods.has(m.period)).map((m) => (
            <ReferenceLine key={`${m.period}-${m.label}`} yAxisId={axes[0]?.[0] ?? "left"} x={m.period} stroke="#94a3b8" strokeDasharray="3 3" label={{ value: m.label, position: "insideTopLeft", fontSize: 10, fill: "#475569" }} />
          ))}
          {series.map((s) => (
            <Line key={s.key} yAxisId={s.right ? "right" : "left"} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? "5 4" : undefined} isAnimationActive={false} dot={pointLink(s.color, s.label)} activeDot={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
