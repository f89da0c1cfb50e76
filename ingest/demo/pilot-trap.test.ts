import { describe, expect, it } from "vitest";
import type { RowBatch } from "../rows";
import { DEMO_FIRMS } from "./firms";
import { generateFirm } from "./generate";
import { PILOT_TRAP_FIRM, PILOT_TRAP_WORKFLOW, withPilotTrap } from "./pilot-trap";

const anchor = new Date(Date.UTC(2026, 10, 21));
const firm = DEMO_FIRMS.find((f) => f.slug === PILOT_TRAP_FIRM)!;

function collect(f: typeof firm) {
  const all: Required<Pick<RowBatch, "runs" | "steps" | "sourceSyncs">> = { runs: [], steps: [], sourceSyncs: [] };
  for (const c of generateFirm(f, { tenantId: "t1", anchor, seed: 7 })) {
    all.runs.push(...(c.batch.runs ?? []));
    all.steps.push(...(c.batch.steps ?? []));
    all.sourceSyncs.push(...(c.batch.sourceSyncs ?? []));
  }
  return all;
}

describe("the pilot-trap demo workflow", () => {
  const withIt = collect(firm);
  const trap = PILOT_TRAP_WORKFLOW.workflow;

  it("changes no row of the firm's other workflows or sources", () => {
    // The same firm under another name gets no pilot-trap workflow: everything else must be identical.
    const without = collect({ ...firm, slug: "not-the-demo" });
    expect(without.runs.some((r) => r.workflow === trap)).toBe(false);
    expect(withIt.runs.filter((r) => r.workflow !== trap)).toEqual(without.runs);
    expect(withIt.steps.filter((s) => s.workflow !== trap)).toEqual(without.steps);
    expect(withIt.sourceSyncs).toEqual(without.sourceSyncs);
  });

  it("reports manual runs beside the live ones, with AI and a person on the same step and reviews correcting most drafts", () => {
    const runs = withIt.runs.filter((r) => r.workflow === trap);
    const phases = (p: string) => runs.filter((r) => r.phase === p).length;
    expect(phases("manual")).toBeGreaterThan(phases("live"));
    expect(phases("baseline")).toBeGreaterThan(0);
    const live = withIt.steps.filter((s) => s.workflow === trap && s.phase === "live");
    const drafts = live.filter((s) => s.step === "draft-summary");
    expect(new Set(drafts.map((s) => s.actor))).toEqual(new Set(["ai", "human"]));
    const reviews = live.filter((s) => s.review_outcome);
    expect(reviews.filter((s) => s.review_outcome === "corrected").length / reviews.length).toBeGreaterThan(0.5);
    // No exception: the demo queue holds only the other workflows' items.
    expect(runs.every((r) => r.outcome !== "exception")).toBe(true);
  });

  it("is configured and locked with the demo firm only", () => {
    expect(withPilotTrap(firm).map((w) => w.workflow)).toContain(trap);
    for (const other of DEMO_FIRMS.filter((f) => f.slug !== PILOT_TRAP_FIRM)) expect(withPilotTrap(other)).toEqual(other.workflows);
  });
});
