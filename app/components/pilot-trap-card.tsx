import Link from "next/link";
import type { PilotTrapResult, PilotTrapSign } from "@/metrics/pilot-trap";
import { formatter } from "./format";
import { runsHref } from "./runs-href";
import { Section } from "./section";
import type { ServerCaller } from "./view-context";

const DESCRIPTION =
  "Signs that the manual process still runs beside the automation: human minutes not falling, AI and a person doing the same step, low live volume while manual work persists, reviews correcting most AI outputs.";

const STATUS: Record<PilotTrapSign["status"], { words: string; tone: string }> = {
  flagged: { words: "flagged", tone: "bg-red-100 text-red-800" },
  not_flagged: { words: "not flagged", tone: "bg-emerald-100 text-emerald-800" },
  insufficient_data: { words: "unknown", tone: "bg-slate-100 text-slate-600" },
};

function SignStatus({ status }: { status: PilotTrapSign["status"] }) {
  const s = STATUS[status];
  return <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${s.tone}`}>{s.words}</span>;
}

type Input = { tenant: string; from?: string; to?: string; workflow?: string };

/**
 * The pilot-trap detector's card (docs/metrics.md, "Pilot trap"). Firm-wide: the workflows flagged, each
 * with the evidence of its flagged signs and the date they started, and the workflows it cannot judge.
 * For one workflow: every sign, flagged, not flagged or unknown.
 */
export async function PilotTrapCard({ caller, input, locale }: { caller: ServerCaller; input: Input; locale: string }) {
  const r: PilotTrapResult = await caller.overview.pilotTrap(input);
  const f = formatter(locale);
  const rows = r.workflows.flatMap((w) => w.signs.map((s) => ({ workflow: w.workflow, sign: s.key, status: s.status, value: s.value, threshold: s.threshold, since: s.since, evidence: s.evidence })));
  const manualHref = (workflow: string) => runsHref(input.tenant, { workflow, phase: "manual", ...r.window });
  const one = input.workflow ? r.workflows[0] : undefined;
  return (
    <Section title="Pilot trap" description={DESCRIPTION} csv={{ filename: `pilot-trap-${input.workflow ?? input.tenant}.csv`, rows }} testId="pilot-trap">
      {input.workflow ? (
        one ? (
          <SignList signs={one.signs} date={f.date} />
        ) : (
          <p className="text-sm text-slate-500" data-testid="pilot-trap-not-live">Not live: the detector judges workflows from their go-live.</p>
        )
      ) : (
        <ul className="space-y-3 text-sm" data-testid="pilot-trap-flagged">
          {r.workflows.filter((w) => w.flagged).map((w) => (
            <li key={w.workflow} className="rounded border border-red-100 px-3 py-2" data-testid={`pilot-trap-${w.workflow}`}>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-medium">{w.workflow}</span>
                <span className="text-xs text-slate-500">since {w.since ? f.date(w.since) : "Unknown"} · <Link className="text-indigo-700 hover:underline" href={manualHref(w.workflow)}>manual runs</Link></span>
              </div>
              <SignList signs={w.signs.filter((s) => s.status === "flagged")} date={f.date} />
            </li>
          ))}
          {r.workflows.every((w) => !w.flagged) ? <li className="text-slate-500">{r.status === "ok" ? "No live workflow shows the signs." : `Insufficient data: ${r.reason ?? "too few runs"}.`}</li> : null}
          {r.workflows.filter((w) => w.unknown).length > 0 ? (
            <li className="text-xs text-slate-500" data-testid="pilot-trap-unknown">Unknown (too little data to judge any sign): {r.workflows.filter((w) => w.unknown).map((w) => w.workflow).join(", ")}</li>
          ) : null}
        </ul>
      )}
    </Section>
  );
}

function SignList({ signs, date }: { signs: PilotTrapSign[]; date: (d: string) => string }) {
  return (
    <ul className="mt-1 space-y-1 text-sm">
      {signs.map((s) => (
        <li key={s.key} className="flex flex-wrap items-baseline gap-2" data-testid={`pilot-trap-sign-${s.key}`}>
          <SignStatus status={s.status} />
          <span className="font-medium">{s.label}</span>
          <span className="text-slate-600">{s.evidence}</span>
          {s.since ? <span className="text-xs text-slate-500">since {date(s.since)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function PilotTrapSkeleton() {
  return (
    <Section title="Pilot trap" description={DESCRIPTION}>
      <div className="h-24 animate-pulse rounded bg-slate-100" aria-busy="true">
        <span className="sr-only">Looking for the pilot trap…</span>
      </div>
    </Section>
  );
}
