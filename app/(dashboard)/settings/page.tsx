import type { Metadata } from "next";
import { formatter } from "@/app/components/format";
import { IngestKeys } from "@/app/components/ingest-keys";
import { PageHeader } from "@/app/components/page-header";
import { NoTenant, Section } from "@/app/components/section";
import { viewContext } from "@/app/components/view-context";
import { BaselineUpload } from "./baseline-upload";
import { BusinessTargetsForm } from "./business-targets-form";
import { BusinessUpload } from "./business-upload";
import { Groups, People } from "./people";
import { WorkflowForm } from "./workflow-form";

export const metadata: Metadata = { title: "Settings" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SettingsPage({ searchParams }: Props) {
  const { caller, tenant, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (tenant.role !== "admin") {
    return (
      <>
        <PageHeader title="Settings" />
        <p data-testid="forbidden" role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
          Only admins of {tenant.name} can see and change settings.
        </p>
      </>
    );
  }
  const t = { tenant: tenant.slug };
  const [configs, users, groups, keys, tenantSettings] = await Promise.all([caller.settingsWorkflows.list(t), caller.users.list(t), caller.groups.list(t), caller.ingestKeys.list(t), caller.tenantSettings.get(t)]);
  const currency = tenantSettings.settings.currency;
  // Firm-wide: refused to an admin limited to some workflows, who is told so instead.
  const targets = await caller.business.targets(t).catch((err: unknown) => {
    if ((err as { code?: string }).code !== "FORBIDDEN") throw err;
    return null;
  });
  const f = formatter(locale);
  return (
    <>
      <PageHeader title="Settings" description={`Configuration of ${tenant.name}. Every change is a new version and is written to the audit log.`} />
      <p className="text-sm"><a href={`/settings/audit?tenant=${encodeURIComponent(tenant.slug)}`} className="underline" data-testid="audit-link">Audit log: who read and changed what, with filters and CSV</a></p>
      <Section title="Workflows" description="Go-live date, loaded hourly cost, SLAs, milestone targets and approved models." csv={{ filename: `workflows-config-${tenant.slug}.csv`, rows: configs.map((c) => ({ ...c, controls: c.controls.join(" ") })) }} testId="settings-workflows">
        <div className="space-y-6">
          {configs.map((c) => (
            <details key={c.workflow} className="rounded border border-slate-200 p-3">
              <summary className="cursor-pointer text-sm font-medium">
                {c.workflow} <span className="font-normal text-slate-500">· go-live {f.date(c.go_live_date)} · updated {f.dateTime(c.updated_at.replace(" ", "T") + "Z")} by {c.updated_by || "—"}</span>
              </summary>
              <div className="mt-3">
                <WorkflowForm tenant={tenant.slug} config={c} defaultCurrency={currency} />
              </div>
            </details>
          ))}
          <details className="rounded border border-dashed border-slate-300 p-3">
            <summary className="cursor-pointer text-sm font-medium">Add a workflow</summary>
            <div className="mt-3">
              <WorkflowForm tenant={tenant.slug} defaultCurrency={currency} />
            </div>
          </details>
        </div>
      </Section>
      <Section title="Baseline import" description="Upload a CSV or XES export of the workflow before go-live: preview what will be imported, then commit.">
        <BaselineUpload tenant={tenant.slug} workflows={configs.map((c) => c.workflow)} />
      </Section>
      <Section title="Business figures" description="Monthly revenue, headcount, intake, hours, audits and data corrections from your billing or practice system: the outcomes on the Overview compare them with the same months of the baseline year." testId="settings-business">
        <BusinessUpload tenant={tenant.slug} />
      </Section>
      <Section title="Business outcome targets" description="The change each outcome should reach against the same months of the baseline year, judged at the first go-live + 90 days, 6 and 12 months on the Overview. Shares in percentage points (-1 is one point less churn), the others in percent (5 is +5%)." testId="settings-business-targets">
        {targets ? <BusinessTargetsForm tenant={tenant.slug} targets={targets} /> : <p className="text-sm text-slate-500">Business outcomes are firm-wide: members limited to some workflows cannot set their targets.</p>}
      </Section>
      <Section title="Members" description="People in this tenant, their role and workflow groups; changes are audited." csv={{ filename: `users-${tenant.slug}.csv`, rows: users.map((u) => ({ email: u.email, role: u.role, disabled: u.disabled, groups: u.groups.map((g) => groups.find((x) => x.group_id === g)?.name ?? g).join(" ") })) }}>
        <People tenant={tenant.slug} members={users.map((u) => ({ userId: u.userId, email: u.email, role: u.role, groups: u.groups, disabled: Boolean(u.disabled) }))} groups={groups} />
      </Section>
      <Section title="Workflow groups (information barriers)" csv={{ filename: `groups-${tenant.slug}.csv`, rows: groups.map((g) => ({ name: g.name, workflows: g.workflows.join(" ") })) }}>
        <Groups tenant={tenant.slug} groups={groups} workflows={configs.map((c) => c.workflow)} />
      </Section>
      <Section title="Ingest keys" description="Keys that OpenTelemetry exporters send; each decides the tenant of what it sends." csv={{ filename: `ingest-keys-${tenant.slug}.csv`, rows: keys.map((k) => ({ ...k })) }}>
        <IngestKeys tenant={tenant.slug} keys={keys} />
      </Section>
    </>
  );
}
