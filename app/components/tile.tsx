import Link from "next/link";
import type { ReactNode } from "react";

export interface TileProps {
  label: string;
  value: string;
  /** The engine's reason when it refused to give a number (fewer than 30 runs, no baseline...). */
  insufficient?: string;
  detail?: string;
  badge?: ReactNode;
  testId?: string;
  /** Where the number leads: the runs behind it (`runsHref`). */
  href?: string;
}

/** A KPI tile of fixed height, so nothing moves when numbers arrive. */
export function Tile({ label, value, insufficient, detail, badge, testId, href }: TileProps) {
  return (
    <div className="flex min-h-32 flex-col rounded-lg border border-slate-200 bg-white p-4" data-testid={testId}>
      <div className="flex items-start justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-600">{label}</h3>
        {badge}
      </div>
      {insufficient ? (
        <>
          <p className="mt-2 text-lg font-semibold text-slate-500" data-value="insufficient">
            Insufficient data
          </p>
          <p className="mt-1 text-xs text-slate-500">{insufficient}</p>
        </>
      ) : (
        <>
          <p className="mt-2 text-2xl font-semibold tracking-tight text-slate-900" data-value={value}>
            {href ? (
              <Link href={href} prefetch={false} className="hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
                {value}
              </Link>
            ) : (
              value
            )}
          </p>
          {detail ? <p className="mt-1 text-xs text-slate-500">{detail}</p> : null}
        </>
      )}
    </div>
  );
}

export function TileSkeleton() {
  return <div className="min-h-32 animate-pulse rounded-lg border border-slate-200 bg-white" aria-hidden />;
}
