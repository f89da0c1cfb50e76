import type { Metadata } from "next";
import { DataTable } from "@/app/components/data-table";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { viewContext } from "@/app/components/view-context";
import { DigestOptIn } from "./digest-opt-in";
import { RulesSection } from "./rules-section";

export const metadata: Metadata = { title: "Alerts" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Alert history for everyone who reads the dashboards; rules and deliveries for those who run them. */
export default async function AlertsPage({ searchParams }: Props) {
  const { caller, tenant, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("alerts", tenant.role)) return <Forbidden title="Alerts" role={tenant.role} tenantName={tenant.name} />;
  const manages = tenant.role === "admin" || tenant.role === "ops";
  const [history, rules, deliveries, digest, workflows] = await Promise.all([
    caller.alerts.history({ tenant: tenant.slug, limit: 200 }),
    manages ? caller.alerts.list({ tenant: tenant.slug }) : Promise.resolve([]),
    manages ? caller.alerts.deliveries({ tenant: tenant.slug, limit: 100 }) : Promise.resolve([]),
    caller.alerts.digestStatus({ tenant: tenant.slug }),
    manages ? caller.workflows.list({ tenant: tenant.slug }) : Promise.resolve([]),
  ]);
  const f = formatter(locale);
  const when = (d: Date | null) => (d ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(d) + " UTC" : "—");
  const ruleName = new Map(rules.map((r) => [r.ruleId, r.spec.name]));
  return (
    <>
      <PageHeader title="Alerts" description="What Plumbline told people, and when: one firing and one resolution per episode." />
      <Section title="Weekly digest" description="Hours displaced and value, the milestone scorecard, the biggest changes and stale sources, by e-mail." testId="alert-digest">
        <DigestOptIn tenant={tenant.slug} {...digest} />
      </Section>
      <Section
        title="Alert history"
        testId="alert-history"
        csv={{
          filename: `alerts-${tenant.slug}.csv`,
          rows: history.map((e) => ({ opened_at: e.openedAt.toISOString(), resolved_at: e.resolvedAt?.toISOString() ?? "", state: e.state, severity: e.severity, rule_id: e.ruleId, subject: e.subject, summary: e.summary })),
        }}
      >
        {history.length === 0 ? (
          <p className="text-sm text-slate-500">No alert has fired yet.</p>
        ) : (
          <DataTable
            caption="Alert episodes, newest first"
            rows={history}
            rowKey={(e) => e.episodeId}
            columns={[
              { header: "Opened", cell: (e) => when(e.openedAt) },
              { header: "State", cell: (e) => (e.state === "open" ? <strong className="text-amber-700">open</strong> : "resolved") },
              { header: "Severity", cell: (e) => e.severity },
              { header: "Rule", cell: (e) => ruleName.get(e.ruleId) ?? e.ruleId.slice(0, 8) },
              { header: "Subject", cell: (e) => e.subject },
              { header: "What happened", cell: (e) => e.summary },
              { header: "Resolved", cell: (e) => when(e.resolvedAt) },
              { header: "Value", numeric: true, cell: (e) => (e.lastValue === null ? "—" : f.number(e.lastValue)) },
            ]}
          />
        )}
      </Section>
      {manages ? <RulesSection tenant={tenant.slug} rules={rules} workflows={workflows.map((w) => w.workflow)} /> : null}
      {manages ? (
        <Section
          title="Delivery log"
          testId="alert-deliveries"
          csv={{ filename: `alert-deliveries-${tenant.slug}.csv`, rows: deliveries.map((d) => ({ ...d, at: d.at.toISOString() })) }}
        >
          {deliveries.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing delivered yet.</p>
          ) : (
            <DataTable
              caption="Delivery attempts, newest first"
              rows={deliveries}
              rowKey={(d) => `${d.delivery_id}-${d.attempt}`}
              columns={[
                { header: "At", cell: (d) => when(d.at) },
                { header: "Event", cell: (d) => d.event },
                { header: "Channel", cell: (d) => d.channel },
                { header: "Target", cell: (d) => d.target },
                { header: "Attempt", numeric: true, cell: (d) => d.attempt },
                { header: "Status", cell: (d) => d.status },
                { header: "Error", cell: (d) => d.error || "—" },
              ]}
            />
          )}
        </Section>
      ) : null}
    </>
  );
}
