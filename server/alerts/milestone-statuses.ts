import type { MetricResult } from "./metric-runner";

export interface MilestoneStatus {
  /** Stable name of the checkpoint, e.g. `client-intake:90d`. */
  subject: string;
  status: "met" | "missed" | "on_track" | "at_risk" | "no_data";
}

const STATUS: Record<string, MilestoneStatus["status"]> = {
  met: "met",
  missed: "missed",
  ontrack: "on_track",
  atrisk: "at_risk",
  nodata: "no_data",
};

const normalise = (s: unknown) => (typeof s === "string" ? STATUS[s.toLowerCase().replace(/[^a-z]/g, "")] : undefined);

function label(o: Record<string, unknown>): string {
  for (const k of ["checkpoint", "label", "name", "days", "offsetDays", "dueDate", "due"]) {
    const v = o[k];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return "milestone";
}

/**
 * Finds the milestone checkpoints in a `milestones` metric result: any object (up to four objects deep)
 * with a recognised `status`, named by its workflow and checkpoint. The metrics engine owns the exact
 * shape; reading it structurally keeps alerts working while that shape settles.
 */
export function milestoneStatuses(result: MetricResult, workflow = "firm"): MilestoneStatus[] {
  const out: MilestoneStatus[] = [];
  const seen = new Set<string>();
  const walk = (v: unknown, wf: string, depth: number) => {
    if (depth > 4 || typeof v !== "object" || v === null) return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, wf, depth);
      return;
    }
    const o = v as Record<string, unknown>;
    const here = typeof o.workflow === "string" ? o.workflow : wf;
    const status = depth > 0 ? normalise(o.status) : undefined;
    if (status) {
      const subject = `${here}:${label(o)}`;
      if (!seen.has(subject)) out.push({ subject, status });
      seen.add(subject);
      return;
    }
    for (const [k, child] of Object.entries(o)) if (k !== "headline") walk(child, here, depth + 1);
  };
  walk(result, workflow, 0);
  return out;
}
