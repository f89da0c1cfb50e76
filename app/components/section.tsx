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

/** What a member sees on a view their role does not include; the procedures refuse it regardless. */
export function Forbidden({ title, role, tenantName }: { title: string; role: string; tenantName: string }) {
  return (
    <>
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      </header>
      <p data-testid="forbidden" role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
        This view is not part of the {role} role in {tenantName}.{" "}
        {role === "engineer" ? (
          <a href="/sources" className="underline">
            Sources and ingest health
          </a>
        ) : null}
      </p>
    </>
  );
}

/** Which roles each view serves (DESIGN.md §4); the same roles its procedures declare. */
export const VIEW_ROLES = {
  overview: ["executive", "ops", "admin"],
  workflows: ["executive", "ops", "admin"],
  exceptions: ["executive", "ops", "admin"],
  sources: ["executive", "ops", "engineer", "admin"],
  compliance: ["executive", "ops", "admin"],
  settings: ["admin"],
  alerts: ["executive", "ops", "admin"],
  runs: ["executive", "ops", "admin"],
} as const satisfies Record<string, readonly string[]>;

export const mayView = (view: keyof typeof VIEW_ROLES, role: string): boolean => (VIEW_ROLES[view] as readonly string[]).includes(role);
