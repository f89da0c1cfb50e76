import Link from "next/link";
import type { CycleTimeResult } from "@/metrics/registry";

/**
 * Which workflows the firm-wide comparison stands on, with each one's own compression, and which it
 * left out and why (docs/metrics.md, "Comparison and comparability"): a firm-wide figure is only
 * signable when the reader can see what it averages.
 */
export function ComparedWorkflows({ cycle, percent, slug }: { cycle: CycleTimeResult; percent: (v: number | null) => string; slug: string }) {
  if (cycle.workflows.length === 0 && cycle.excluded.length === 0) return null;
  const link = (wf: string) => `/workflows/${encodeURIComponent(wf)}?tenant=${encodeURIComponent(slug)}`;
  return (
    <p className="mt-2 text-xs text-slate-600" data-testid="compared-workflows">
      {cycle.workflows.length > 0 ? (
        <>
          Compared against each workflow&apos;s locked baseline, weighted by live runs:{" "}
          {cycle.workflows.map((w, i) => (
            <span key={w.workflow} data-workflow={w.workflow}>
              {i > 0 ? ", " : ""}
              <Link className="underline" href={link(w.workflow)}>
                {w.workflow}
              </Link>{" "}
              {percent(w.compression)} (v{w.baseline_version}, {w.live_runs} runs)
            </span>
          ))}
          .{" "}
        </>
      ) : (
        "No workflow is comparable yet. "
      )}
      {cycle.excluded.length > 0 ? (
        <span data-testid="excluded-workflows">Left out: {cycle.excluded.map((e) => `${e.workflow} (${e.reason})`).join("; ")}.</span>
      ) : null}
    </p>
  );
}
