import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import type { Episode } from "./episodes";
import { type Rule, ruleSpec } from "./rule";

const now = new Date("2026-03-02T10:00:00Z");
const rule = (spec: object): Rule => ({ tenantId: "t1", ruleId: "r1", spec: ruleSpec.parse(spec), updatedAt: now, updatedBy: "u" });
const open = (subject: string, seq = 1): Episode => ({
  tenantId: "t1",
  ruleId: "r1",
  subject,
  episodeId: `e-${subject}-${seq}`,
  seq,
  state: "open",
  severity: "warning",
  openedAt: new Date(now.getTime() - 3_600_000),
  resolvedAt: null,
  openValue: 1,
  lastValue: 1,
  summary: "stale",
  resolveReason: "",
});

describe("deciding episode transitions", () => {
  it("opens the next episode with an id every evaluator would compute alike", () => {
    const r = rule({ kind: "stale-source", name: "s" });
    const [a] = decide(r, [{ subject: "crm", firing: true, value: 90, summary: "x" }], new Map(), now);
    const [b] = decide(r, [{ subject: "crm", firing: true, value: 95, summary: "y" }], new Map(), new Date(now.getTime() + 1000));
    expect(a?.kind).toBe("open");
    expect(a?.episode.seq).toBe(1);
    expect(a?.episode.episodeId).toBe(b?.episode.episodeId);
  });

  it("resolves an open source that is no longer monitored, but leaves a threshold without data alone", () => {
    const stale = decide(rule({ kind: "stale-source", name: "s" }), [], new Map([["crm", open("crm")]]), now);
    expect(stale.map((t) => [t.kind, t.episode.resolveReason])).toEqual([["resolve", "no longer monitored"]]);
    const threshold = rule({ kind: "threshold", name: "t", metric: "exception-rate", op: "gt", value: 0.1 });
    expect(decide(threshold, [], new Map([["firm", open("firm")]]), now)).toEqual([]);
  });
});
