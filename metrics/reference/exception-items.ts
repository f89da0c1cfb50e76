import type { RunRow, StepRow } from "@/ingest/rows";
import type { ModelStore } from "./model";

/**
 * Exception items as docs/metrics.md defines them ("Open exception"), over the model's deliveries: a
 * live run whose latest delivery's outcome is `exception`, or any of whose steps is an intervention at
 * its latest delivery, finished or still in flight; opened at the earliest of those flags' ends.
 * Written from the definition alone, like `model.ts`.
 */

const ms = (t: RunRow["end_time"] | StepRow["end_time"]): number => (typeof t === "number" ? t : new Date(t as Date).getTime());

/** The items opened in [from, to) and by `asOf`, as `workflow run_id opened_at`, sorted. */
export function referenceExceptionItems(store: ModelStore, from: Date, to: Date, asOf: Date): string[] {
  const opened = new Map<string, { workflow: string; run: string; at: number }>();
  const flag = (workflow: string, run: string, at: number) => {
    const key = `${workflow}\u0000${run}`;
    const was = opened.get(key);
    if (!was || at < was.at) opened.set(key, { workflow, run, at });
  };
  for (const r of store.runs.values()) if (r.phase === "live" && r.outcome === "exception") flag(r.workflow, r.run_id, ms(r.end_time));
  for (const s of store.steps.values()) if (s.phase === "live" && s.intervention === 1) flag(s.workflow ?? "", s.run_id, ms(s.end_time));
  return [...opened.values()]
    .filter((i) => i.at >= from.getTime() && i.at < to.getTime() && i.at <= asOf.getTime())
    .map((i) => `${i.workflow} ${i.run} ${new Date(i.at).toISOString()}`)
    .sort();
}
