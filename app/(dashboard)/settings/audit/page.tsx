import type { Metadata } from "next";
import { DataTable } from "@/app/components/data-table";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { viewContext, viewQuery } from "@/app/components/view-context";
import { cursorAfter } from "@/server/audit-events";
import { AuditFilterForm } from "./audit-filter-form";
import { auditQuery, exportHref } from "./audit-query";

export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PAGE = 50;

/** Who read and changed what, filtered and paged; the CSV holds every row of the same filter. */
export default async function AuditPage({ searchParams }: Props) {
  const raw = await searchParams;
  const { caller, tenant } = await viewContext(Promise.resolve(raw));
  if (!tenant) return <NoTenant />;
  if (!mayView("settings", tenant.role)) return <Forbidden title="Audit log" role={tenant.role} tenantName={tenant.name} />;
  const { params, filter, error } = auditQuery(raw);
  // One row more than a page says whether there is a next one.
  const rows = filter ? await caller.audit.list({ tenant: tenant.slug, ...filter, limit: PAGE + 1, cursor: params.cursor }) : [];
  const shown = rows.slice(0, PAGE);
  const last = shown.at(-1);
  const keep = { tenant: params.tenant, actor: params.actor, action: params.action, result: params.result, from: params.from, to: params.to };
  const next = rows.length > PAGE && last ? `/settings/audit${viewQuery({ ...keep, cursor: cursorAfter(last) })}` : null;
  return (
    <>
      <PageHeader title="Audit log" description={`Every read, change, refusal and sign-in in ${tenant.name}, newest first; kept seven years. Times are UTC.`} />
      <Section title="Filters" testId="audit-filters">
        <AuditFilterForm params={params} error={error} />
      </Section>
      <Section title="Events" testId="audit-events">
        <div className="mb-2 flex flex-wrap items-center gap-3 text-sm">
          {filter ? (
            <a href={exportHref(tenant.slug, filter)} download className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100" data-testid="audit-csv">
              Download these events as CSV
            </a>
          ) : null}
          {params.cursor ? <a href={`/settings/audit${viewQuery(keep)}`} className="underline">First page</a> : null}
          {next ? (
            <a href={next} className="underline" data-testid="audit-next">
              Older events →
            </a>
          ) : null}
        </div>
        {shown.length === 0 ? (
          <p className="text-sm text-slate-500">{error ? "Fix the filters above." : "No events match these filters."}</p>
        ) : (
          <DataTable
            caption="Audit events, newest first"
            rows={shown}
            rowKey={(r) => r.event_id}
            testId="audit-table"
            columns={[
              { header: "Time (UTC)", cell: (r) => r.time },
              { header: "Actor", cell: (r) => r.actor_email || r.actor_id },
              { header: "Kind", cell: (r) => r.kind },
              { header: "Action", cell: (r) => r.action },
              { header: "Result", cell: (r) => <span data-testid="audit-result">{r.result}</span> },
              { header: "Input", cell: (r) => <span className="break-all font-mono text-xs">{r.input_summary}</span> },
              { header: "Detail", cell: (r) => r.detail || "—" },
              { header: "IP", cell: (r) => r.ip || "—" },
            ]}
          />
        )}
      </Section>
    </>
  );
}
