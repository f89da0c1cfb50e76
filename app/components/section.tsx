import type { ReactNode } from "react";
import type { CsvValue } from "./csv";
import { ExportCsvButton } from "./export-csv-button";

/** A titled card; with `csv` it offers the rows it shows as a CSV download. */
export function Section({ title, description, csv, children, testId }: {
  title: string;
  description?: string;
  csv?: { rows: Record<string, CsvValue>[]; filename: string };
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4" data-testid={testId} aria-label={title}>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="text-base font-semibold text-slate-900">{title}</h2>
          {description ? <p className="text-xs text-slate-500">{description}</p> : null}
        </div>
        {csv ? <ExportCsvButton rows={csv.rows} filename={csv.filename} /> : null}
      </div>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded border border-dashed border-slate-300 p-4 text-sm text-slate-500">{children}</p>;
}

export function NoTenant() {
  return <Empty>You are not a member of any tenant yet: ask an admin to add you.</Empty>;
}
