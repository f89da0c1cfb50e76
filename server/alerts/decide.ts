import { type Episode, episodeIdFor } from "./episodes";
import type { Rule } from "./rule";

/** What one evaluation of a rule saw about one subject (the firm, a workflow, a source...). */
export interface Observation {
  subject: string;
  firing: boolean;
  value: number | null;
  /** One human line: what is wrong (or fine) and by how much. */
  summary: string;
}

export interface Transition {
  kind: "open" | "resolve";
  episode: Episode;
}

/**
 * Pure: turns observations into episode transitions. A subject already open stays quiet (one alert per
 * episode); a firing subject opens a new episode unless its last one resolved within the cool-down; a
 * subject observed healthy resolves its open episode. Subjects not observed (no data) change nothing,
 * unless the rule's kind lists every subject it monitors (sources, workflows with an SLA): then an open
 * subject that is no longer listed (its SLA or source was removed) resolves as no longer monitored.
 */
export function decide(rule: Rule, observations: readonly Observation[], latest: ReadonlyMap<string, Episode>, now: Date): Transition[] {
  const out: Transition[] = [];
  const cooldownMs = rule.spec.cooldownMinutes * 60_000;
  for (const o of observations) {
    const cur = latest.get(o.subject);
    if (o.firing) {
      if (cur?.state === "open") continue;
      if (cur?.resolvedAt && now.getTime() - cur.resolvedAt.getTime() < cooldownMs) continue;
      const seq = (cur?.seq ?? 0) + 1;
      out.push({
        kind: "open",
        episode: {
          tenantId: rule.tenantId,
          ruleId: rule.ruleId,
          subject: o.subject,
          episodeId: episodeIdFor(rule.tenantId, rule.ruleId, o.subject, seq),
          seq,
          state: "open",
          severity: rule.spec.severity,
          openedAt: now,
          resolvedAt: null,
          openValue: o.value,
          lastValue: o.value,
          summary: o.summary,
          resolveReason: "",
        },
      });
    } else if (cur?.state === "open") {
      out.push({ kind: "resolve", episode: resolved(cur, now, o.value, o.summary, "recovered") });
    }
  }
  if (ENUMERATES.has(rule.spec.kind)) {
    const seen = new Set(observations.map((o) => o.subject));
    for (const e of latest.values()) {
      if (e.state === "open" && !seen.has(e.subject)) out.push({ kind: "resolve", episode: resolved(e, now, e.lastValue, e.summary, "no longer monitored") });
    }
  }
  return out;
}

/** Kinds whose observations list every monitored subject, so an absent subject is known to be gone. */
const ENUMERATES = new Set<Rule["spec"]["kind"]>(["stale-source", "exceptions-past-sla"]);

export function resolved(e: Episode, now: Date, value: number | null, summary: string, reason: string): Episode {
  return { ...e, state: "resolved", resolvedAt: now, lastValue: value, summary, resolveReason: reason };
}
