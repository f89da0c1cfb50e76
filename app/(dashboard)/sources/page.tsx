import type { Metadata } from "next";
import { DataTable } from "@/app/components/data-table";
import { FilterBar } from "@/app/components/filter-bar";
import { IngestKeys } from "@/app/components/ingest-keys";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { Empty, NoTenant, Section } from "@/app/components/section";
import { StatusPill } from "@/app/components/status-pill";
import { Tile } from "@/app/components/tile";
import { TrendChart } from "@/app/components/trend-chart";
import { viewContext, windowOf } from "@/app/components/view-context";

export const metadata: Metadata = { title: "Sources" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SourcesPage({ searchParams }: Props) {
  const { caller, tenant, params, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  // Engineers land here: the keys their exporters send sit beside the health of what arrives.
  const managesKeys = tenant.role === "engineer" || tenant.role === "admin";
  const [{ freshness, completeness, history }, keys] = await Promise.all([
    caller.sources.list({ tenant: tenant.slug, ...windowOf(params) }),
    managesKeys ? caller.ingestKeys.list({ tenant: tenant.slug }) : Promise.resolve(null),
  ]);
  const f = formatter(locale);
  const days = [...new Set(history.map((h) => h.day))].sort();
  const names = freshness.sources.map((s) => s.source);
  const records = days.map((day) => Object.fromEntries([["day", day], ...names.map((n) => [n, history.find((h) => h.day === day && h.source === n)?.records ?? 0])]) as Record<string, string | number>);
  const ingestDays = [...new Set(completeness.by_day.map((d) => d.day))].sort().map((day) => {
    const rows = completeness.by_day.filter((d) => d.day === day);
    return { day, accepted: rows.reduce((a, r) => a + r.accepted, 0), rejected: rows.reduce((a, r) => a + r.rejected, 0) };
  });
  return (
    <>
      <PageHeader title="Sources" description="Systems of record: how fresh, how available within SLA, how accurate; and what ingest accepted." />
      <FilterBar />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Tile testId="tile-sources" label="Sources" value={f.number(freshness.sources.length)} />
        <Tile testId="tile-stale" label="Behind SLA now" value={f.number(freshness.sources.filter((s) => s.breach).length)} />
        <Tile testId="tile-acceptance" label="Spans accepted" value={f.percent(completeness.acceptance_rate)} insufficient={completeness.status === "ok" ? undefined : completeness.reason} detail={`${f.number(completeness.accepted)} accepted · ${f.number(completeness.rejected)} rejected`} />
        <Tile testId="tile-never-closed" label="Runs never closed" value={f.number(completeness.runs_never_closed)} detail={`of ${f.number(completeness.runs_closed + completeness.runs_never_closed)} runs with steps`} />
      </div>
      <Section title="Freshness" csv={{ filename: `sources-${tenant.slug}.csv`, rows: freshness.sources.map((s) => ({ ...s })) }} testId="sources">
        {freshness.sources.length === 0 ? (
          <Empty>No source has reported a sync yet.</Empty>
        ) : (
          <DataTable
            caption="Source freshness"
            testId="source-table"
            rows={freshness.sources}
            rowKey={(s) => s.source}
            columns={[
              { header: "Source", cell: (s) => s.source },
              { header: "State", cell: (s) => <StatusPill status={s.breach === null ? "no data" : s.breach ? "stale" : "ok"} /> },
              { header: "Last data", cell: (s) => f.dateTime(s.last_at) },
              { header: "Lag", numeric: true, cell: (s) => f.minutes(s.lag_minutes) },
              { header: "SLA", numeric: true, cell: (s) => f.minutes(s.sla_minutes) },
              { header: "Within SLA", numeric: true, cell: (s) => f.percent(s.share_within_sla) },
              { header: "Accuracy", numeric: true, cell: (s) => f.percent(s.accuracy) },
              { header: "Records", numeric: true, cell: (s) => f.number(s.records) },
            ]}
          />
        )}
      </Section>
      <Section title="Records synced per day" csv={{ filename: `source-history-${tenant.slug}.csv`, rows: history }}>
        <TrendChart data={records} index="day" categories={names} kind="bar" locale={locale} />
      </Section>
      <Section title="Ingest per day" csv={{ filename: `ingest-${tenant.slug}.csv`, rows: ingestDays }}>
        <TrendChart data={ingestDays} index="day" categories={["accepted", "rejected"]} kind="bar" locale={locale} />
        {completeness.rejected_reasons.length ? (
          <p className="mt-2 text-xs text-slate-600">Rejected: {completeness.rejected_reasons.map((r) => `${r.reason} (${f.number(r.rejected)})`).join(", ")}</p>
        ) : null}
      </Section>
      {keys ? (
        <Section title="Ingest keys" description="Keys that OpenTelemetry exporters send; each decides the tenant of what it sends. Creating and revoking are audited." csv={{ filename: `ingest-keys-${tenant.slug}.csv`, rows: keys.map((k) => ({ ...k })) }} testId="sources-ingest-keys">
          <IngestKeys tenant={tenant.slug} keys={keys} />
        </Section>
      ) : null}
    </>
  );
}
