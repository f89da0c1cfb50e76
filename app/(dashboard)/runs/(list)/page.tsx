import type { Metadata } from "next";
import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { DataTable } from "@/app/components/data-table";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { runHref, runsHref } from "@/app/components/runs-href";
import { Empty, Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { viewContext } from "@/app/components/view-context";
import { type RunFilter, runFilterFromQuery } from "@/metrics/run-filter";
import { RunFilterForm } from "./run-filter-form";

export const metadata: Metadata = { title: "Runs" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const yesNo = (v: number | null) => (v === null ? "Unknown" : v ? "Yes" : "No");

const pageLink = (tenant: string | undefined, filter: RunFilter, cursor: string) => `${runsHref(tenant, filter)}&cursor=${encodeURIComponent(cursor)}`;

export default async function RunsPage({ searchParams }: Props) {
  const raw = await searchParams;
  const { caller, tenant, params, locale } = await viewContext(Promise.resolve(raw));
  if (!tenant) return <NoTenant />;
  if (!mayView("runs", tenant.role)) return <Forbidden title="Runs" role={tenant.role} tenantName={tenant.name} />;
  const { filter, problems } = runFilterFromQuery(raw);
  const cursor = typeof raw.cursor === "string" ? raw.cursor : undefined;
  const list = (c: string | undefined) => caller.runs.list({ tenant: tenant.slug, ...filter, ...(c ? { cursor: c } : {}) });
  const [page, workflows] = await Promise.all([
    list(cursor).catch((err: unknown) => {
      // A page link that is not ours (edited, or from an older version): say so and start over.
      if (!(err instanceof TRPCError) || err.code !== "BAD_REQUEST") throw err;
      problems.push("This page link is not valid: showing the first page.");
      return list(undefined);
    }),
    caller.workflows.list({ tenant: tenant.slug }),
  ]);
  const f = formatter(locale);
  return (
    <>
      <PageHeader title="Runs" description="Every run, each counted once, newest first. A number elsewhere links here with the filter that selects exactly the runs it counted." />
      <RunFilterForm tenant={params.tenant} filter={filter} workflows={workflows.map((w) => w.workflow)} />
      {problems.length ? (
        <p role="alert" className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="filter-problems">
          {problems.join(" · ")}
        </p>
      ) : null}
      <Section
        title={`${f.number(page.total)} runs`}
        description={`Started ${f.date(page.window.from)} – ${f.date(page.window.to)} (UTC days). Exception and reason are the exception rate's: a run with an unknown status is in neither.`}
        csv={{ filename: `runs-${tenant.slug}.csv`, rows: page.runs }}
        testId="runs"
      >
        {page.runs.length === 0 ? (
          <Empty>No run matches these filters in this window.</Empty>
        ) : (
          <DataTable
            caption="Runs"
            testId="runs-table"
            rows={page.runs}
            rowKey={(r) => `${r.phase}/${r.workflow}/${r.run_id}`}
            columns={[
              { header: "Started (UTC)", cell: (r) => f.dateTime(r.start_time) },
              { header: "Workflow", cell: (r) => r.workflow },
              {
                header: "Run",
                cell: (r) => (
                  <Link href={`${runHref(params.tenant, r.workflow, r.run_id)}&phase=${r.phase}`} className="font-mono text-xs text-indigo-700 hover:underline" data-testid="run-link">
                    {r.run_id}
                  </Link>
                ),
              },
              { header: "Phase", cell: (r) => r.phase },
              { header: "Outcome", cell: (r) => r.outcome },
              { header: "Exception", cell: (r) => yesNo(r.exception) },
              { header: "Reason", cell: (r) => r.reason || "—" },
              { header: "Cycle time", numeric: true, cell: (r) => f.hours(r.cycle_seconds / 3600) },
              { header: "Human time", numeric: true, cell: (r) => (r.human_minutes === null ? "Unknown" : f.minutes(r.human_minutes)) },
            ]}
          />
        )}
        <nav aria-label="Pages" className="mt-3 flex gap-3 text-sm">
          {page.prev ? <Link href={pageLink(params.tenant, filter, page.prev)} className="text-indigo-700 hover:underline" data-testid="page-prev">← Previous</Link> : null}
          {page.next ? <Link href={pageLink(params.tenant, filter, page.next)} className="text-indigo-700 hover:underline" data-testid="page-next">Next →</Link> : null}
        </nav>
      </Section>
    </>
  );
}
