"use client";

import { AreaChart, BarChart, LineChart, SparkLineChart } from "@tremor/react";

type Point = Record<string, string | number | null>;

const height = "h-56";
// Tremor's default first colour is its "brand" token, which this Tailwind 4 theme does not define
// (the line would be invisible); these palette names all have classes in Tremor's dist.
const COLORS = ["indigo", "amber", "emerald", "rose", "cyan", "violet"];

/** A time series chart of fixed height (no layout shift); `percent` formats the axis as a share. */
export function TrendChart({ data, index, categories, kind = "line", percent = false, unit = "", locale }: {
  data: Point[];
  index: string;
  categories: string[];
  kind?: "line" | "area" | "bar";
  percent?: boolean;
  unit?: string;
  locale: string;
}) {
  const fmt = percent
    ? new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 })
    : new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const valueFormatter = (v: number) => `${fmt.format(v)}${unit}`;
  if (data.length === 0) return <div className={`${height} flex items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-500`}>No data in this window</div>;
  const common = { className: height, data, index, categories, colors: COLORS, valueFormatter, showAnimation: false, connectNulls: true };
  if (kind === "area") return <AreaChart {...common} />;
  if (kind === "bar") return <BarChart {...common} />;
  return <LineChart {...common} />;
}

export function Sparkline({ data, index, category }: { data: Point[]; index: string; category: string }) {
  if (data.length === 0) return <span className="inline-block h-8 w-28" aria-hidden />;
  return <SparkLineChart className="h-8 w-28" data={data} index={index} categories={[category]} colors={COLORS} connectNulls />;
}
