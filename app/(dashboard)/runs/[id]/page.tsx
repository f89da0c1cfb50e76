import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { viewContext } from "@/app/components/view-context";
import { ExceptionSection, InterventionsSection, OutputsSection, RunSummary, StepTable } from "./run-sections";
import { Waterfall } from "./waterfall";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Run ${decodeURIComponent((await params).id)}` };
}

const phaseParam = z.enum(["baseline", "live"]).optional().catch(undefined);

export default async function RunPage({ params, searchParams }: Props) {
  const runId = decodeURIComponent((await params).id);
  const raw = await searchParams;
  const { caller, tenant, params: view, locale } = await viewContext(Promise.resolve(raw));
  if (!tenant) return <NoTenant />;
  if (!mayView("runs", tenant.role)) return <Forbidden title="Run" role={tenant.role} tenantName={tenant.name} />;
  const phase = phaseParam.parse(raw.phase);
  const d = await caller.runs
    .byId({ tenant: tenant.slug, runId, ...(view.workflow ? { workflow: view.workflow } : {}), ...(phase ? { phase } : {}) })
    .catch((err: unknown) => {
      // Unknown, or behind the caller's barrier (refused by name, or not found by id): the same 404.
      if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "FORBIDDEN" || err.code === "BAD_REQUEST")) return undefined;
      throw err;
    });
  if (!d) notFound();
  const f = formatter(locale);
  return (
    <>
      <PageHeader title={`Run ${runId}`} description={`${d.workflow} · ${d.phase}${d.finished ? "" : " · in flight: counted in no metric until its run record arrives"}`} />
      <Section title="Run" testId="run-record">
        <RunSummary d={d} f={f} />
      </Section>
      <Section title="Step timeline" description="Each step once (its latest delivery), from the run's start." testId="run-timeline">
        {d.steps.length ? <Waterfall steps={d.steps} runSeconds={d.run?.cycle_seconds ?? null} f={f} /> : <p className="text-sm text-slate-500">No steps recorded for this run.</p>}
        {d.steps.length ? (
          <div className="mt-4">
            <StepTable steps={d.steps} f={f} />
          </div>
        ) : null}
      </Section>
      <OutputsSection d={d} f={f} />
      <InterventionsSection d={d} f={f} />
      <ExceptionSection d={d} f={f} />
      <Section title="Data classifications touched" testId="run-classifications">
        <p className="text-sm">{d.classifications.length ? d.classifications.join(", ") : "None recorded"}</p>
      </Section>
    </>
  );
}
