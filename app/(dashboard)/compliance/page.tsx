import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/components/data-table";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { runHref, runsHref } from "@/app/components/runs-href";
import { Empty, Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { StaleSourcesBanner } from "@/app/components/stale-sources-banner";
import { StaleTiles } from "@/app/components/stale-tiles";
import { Tile } from "@/app/components/tile";
import { viewContext, viewQuery, windowOf } from "@/app/components/view-context";

export const metadata: Metadata = { title: "Compliance" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CompliancePage({ searchParams }: Props) {
  const { caller, tenant, params, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("compliance", tenant.role)) return <Forbidden title="Compliance" role={tenant.role} tenantName={tenant.name} />;
  const scope = { tenant: tenant.slug, ...windowOf(params), ...(params.workflow ? { workflow: params.workflow } : {}) };
  const [{ metric, violations, denials }, workflows, stale] = await Promise.all([caller.compliance.summary(scope), caller.workflows.list({ tenant: tenant.slug }), caller.staleness.sources(scope)]);
  const f = formatter(locale);
  const gap = metric.status === "ok" ? undefined : metric.reason;
  // The page shows the newest rows; the CSV and the evidence pack carry every row.
  const SHOWN = 25;
  const evidence = `/api/evidence${viewQuery({ tenant: tenant.slug, from: metric.window.from, to: metric.window.to, workflow: params.workflow })}`;
  return (
    <>
      <PageHeader
        title="Compliance"
        description="Is every AI step documented and reviewed, were policies kept, and who was refused data."
        actions={
          <Link href={evidence} prefetch={false} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500" data-testid="evidence-link">
            Evidence pack
          </Link>
        }
      />
      <StaleSourcesBanner stale={stale} locale={locale} />
      <FilterBar workflows={workflows.map((w) => w.workflow)} />
      <StaleTiles stale={stale} workflows={params.workflow ? [params.workflow] : workflows.map((w) => w.workflow)} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Tile testId="tile-audit-coverage" label="Audit coverage" value={f.percent(metric.audit_coverage)} insufficient={gap} detail={`${f.number(metric.ai_steps)} AI steps`} />
        <Tile testId="tile-review-coverage" label="Review coverage" value={f.percent(metric.review_coverage)} insufficient={gap} detail={`${f.number(metric.reviews_done)} of ${f.number(metric.reviews_required)} required`} />
        <Tile testId="tile-review-sla" label="Review-SLA adherence" value={f.percent(metric.review_sla_adherence)} insufficient={gap} detail={`${f.number(metric.reviews_with_sla)} reviews with an SLA`} />
        <Tile testId="tile-violations" label="Policy violations" value={f.number(metric.policy_violations.total)} insufficient={gap} detail={`${f.number(metric.policy_violations.unapproved_model_steps)} unapproved-model steps · ${f.number(metric.policy_violations.denied_accesses)} denied accesses`} />
        <Tile testId="tile-past-sla" label="Open exceptions past SLA" value={f.number(metric.open_exceptions.past_sla)} detail={`${f.number(metric.open_exceptions.open)} open · oldest ${f.hours(metric.open_exceptions.oldest_past_sla_hours)}`} />
      </StaleTiles>
      <Section title="Unapproved models on protected data" description={`AI steps on phi or privileged data with a model not approved for that class; the newest ${Math.min(SHOWN, violations.length)} of ${violations.length} shown.`} csv={{ filename: `violations-${tenant.slug}.csv`, rows: violations }}>
        {violations.length === 0 ? (
          <Empty>No violations in this window.</Empty>
        ) : (
          <DataTable
            caption="Policy violations"
            testId="violations"
            rows={violations.slice(0, SHOWN)}
            rowKey={(v, i) => `${i}-${v.run_id}`}
            columns={[
              { header: "When (UTC)", cell: (v) => v.at.slice(0, 16) },
              { header: "Workflow", cell: (v) => v.workflow },
              { header: "Run", cell: (v) => <Link href={runHref(params.tenant, v.workflow, v.run_id)} className="font-mono text-xs text-indigo-700 hover:underline">{v.run_id}</Link> },
              { header: "Step", cell: (v) => v.step },
              { header: "Model", cell: (v) => (v.model ? <Link href={runsHref(params.tenant, { workflow: v.workflow, phase: "live", actor: "ai", model: v.model, classification: v.classification, from: metric.window.from, to: metric.window.to })} className="text-indigo-700 hover:underline" title="Runs with an AI step of this model on this class">{v.model}</Link> : "(not recorded)") },
              { header: "Class", cell: (v) => v.classification },
            ]}
          />
        )}
      </Section>
      <Section title="Data-access denials" description={`The newest ${Math.min(SHOWN, denials.length)} of ${denials.length} shown.`} csv={{ filename: `denials-${tenant.slug}.csv`, rows: denials }}>
        {denials.length === 0 ? (
          <Empty>No denied accesses in this window.</Empty>
        ) : (
          <DataTable
            caption="Denied data accesses"
            rows={denials.slice(0, SHOWN)}
            rowKey={(d, i) => `${i}-${d.at}`}
            columns={[
              { header: "When (UTC)", cell: (d) => d.at.slice(0, 16) },
              { header: "Source", cell: (d) => d.source },
              { header: "Workflow", cell: (d) => d.workflow || "—" },
              { header: "Role", cell: (d) => d.user_role || "—" },
              { header: "Class", cell: (d) => d.classification || "—" },
            ]}
          />
        )}
      </Section>
    </>
  );
}
