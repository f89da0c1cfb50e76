import type { PilotTrapResult } from "@/metrics/pilot-trap";
import type { Observation } from "./decide";

/**
 * What a `pilot-trap` rule observes: one subject per live workflow whose signs can be judged, firing
 * while at least one sign is flagged, with that evidence in the message. A workflow whose every sign is
 * insufficient data is not observed: unknown neither fires nor resolves (docs/metrics.md, "Pilot trap").
 */
export function pilotTrapObservations(result: PilotTrapResult): Observation[] {
  return result.workflows
    .filter((w) => !w.unknown)
    .map((w) => {
      const flagged = w.signs.filter((s) => s.status === "flagged");
      return {
        subject: w.workflow,
        firing: w.flagged,
        value: flagged.length,
        summary: w.flagged
          ? `${w.workflow} shows the pilot trap since ${w.since ?? "an unknown day"}: ${flagged.map((s) => `${s.label.toLowerCase()} (${s.evidence})`).join("; ")}`
          : `${w.workflow} shows no sign of the pilot trap`,
      };
    });
}
