import type { Metadata } from "next";
import { AnomalyBandChart } from "@/app/components/anomaly-band-chart";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { viewContext } from "@/app/components/view-context";
import { seriesValue } from "@/server/alerts/anomaly-kinds";

export const metadata: Metadata = { title: "Anomaly rule" };

type Props = { params: Promise<{ ruleId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** An anomaly rule's page: the expected band it learnt and what was observed, day by day (issue 27). */
export default async function AnomalyRulePage({ params, searchParams }: Props) {
  const { ruleId } = await params;
  const { caller, tenant, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("alerts", tenant.role)) return <Forbidden title="Alerts" role={tenant.role} tenantName={tenant.name} />;
  const band = await caller.alerts
    .band({ tenant: tenant.slug, ruleId })
    .then((b) => b ?? "Only an anomaly rule has an expected band.")
    .catch((e: unknown) => (e instanceof Error ? e.message : "This rule cannot be shown."));
  if (typeof band === "string") {
    return (
      <>
        <PageHeader title="Anomaly rule" description="The expected band an anomaly rule learnt, and what was observed." />
        <p role="alert" className="text-sm text-red-700">
          {band}
        </p>
      </>
    );
  }
  // The latest day that could be judged: a quiet weekend's rate is unknown, not a lack of history.
  const last = band.days.findLast((d) => d.value !== null && d.expected !== null);
  return (
    <>
      <PageHeader title={`Anomaly rule: ${band.noun}`} description="The band is learnt from the series' own history (same weekday, last 8 weeks); red days fired, amber ones were outside but not yet for long enough." />
      <Section title={`Expected band and observed ${band.noun}`} testId="anomaly-band">
        <AnomalyBandChart days={band.days} unit={band.unit} locale={locale} />
        <p className="mt-2 text-sm text-slate-600" data-testid="anomaly-band-latest">
          {!last || last.expected === null || last.value === null ? "Insufficient data: no day of the last 8 weeks could be judged (fewer than 3 weeks of history, or too few runs each day)." : `${last.day}: observed ${seriesValue(band.series, last.value)}, expected ${seriesValue(band.series, Math.max(0, last.lower ?? 0))}–${seriesValue(band.series, last.upper ?? 0)}${last.firing ? " — firing" : last.outside ? " — outside the band" : ""}.`}
        </p>
      </Section>
    </>
  );
}
