import type { ServerCaller } from "@/app/components/view-context";
import { formatter } from "@/app/components/format";
import { Section } from "@/app/components/section";
import { LaggingScorecard, laggingOrNull } from "./lagging-checkpoints";
import { CheckpointControls } from "./checkpoint-controls";
import { MilestoneScorecard } from "./milestone-scorecard";

const DESCRIPTION =
  "Go-live + 90 days, 6 months and 12 months: trailing 30-day values against target (else the locked baseline); upcoming checkpoints projected from the weekly trend.";

/** Streams in after the tiles: evaluating every checkpoint takes longer than the tiles do. */
export async function MilestonesSection({ caller, input, locale, slug }: { caller: ServerCaller; input: { tenant: string; from?: string; to?: string; workflow?: string }; locale: string; slug: string }) {
  const [milestones, lagging] = await Promise.all([caller.overview.milestones(input), laggingOrNull(caller, input.tenant)]);
  const f = formatter(locale);
  const rows = milestones.workflows.flatMap((w) =>
    w.checkpoints.flatMap((c) =>
      c.metrics.map((m) => ({ workflow: w.workflow, checkpoint_days: c.days, date: c.date, checkpoint_status: c.status, metric: m.metric, value: m.value, target: m.target, projected: m.projection?.value ?? null, status: m.status })),
    ),
  );
  // The lagging checkpoints in the same columns: firm-wide, value = the change judged against the target.
  const lagRows = (lagging?.checkpoints ?? []).flatMap((c) =>
    c.outcomes.map((o) => ({ workflow: "firm-wide (business outcomes)", checkpoint_days: c.days, date: c.date, checkpoint_status: c.status, metric: o.key, value: o.achieved, target: o.target?.target ?? null, projected: null, status: o.status })),
  );
  return (
    <Section title="Milestones" description={DESCRIPTION} csv={{ filename: `milestones-${slug}.csv`, rows: [...rows, ...lagRows] }} testId="milestones">
      {milestones.status === "ok" ? <MilestoneScorecard result={milestones} f={f} /> : <p className="text-sm text-slate-500">{milestones.reason}</p>}
      <LaggingScorecard result={lagging} f={f} />
      {input.workflow ? milestones.workflows.map((w) => <CheckpointControls key={w.workflow} caller={caller} tenant={input.tenant} workflow={w} f={f} today={new Date().toISOString().slice(0, 10)} />) : null}
    </Section>
  );
}

export function MilestonesSkeleton() {
  return (
    <Section title="Milestones" description={DESCRIPTION}>
      <div className="h-48 animate-pulse rounded bg-slate-100" aria-busy="true">
        <span className="sr-only">Evaluating checkpoints…</span>
      </div>
    </Section>
  );
}
