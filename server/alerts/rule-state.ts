import type { Db } from "@/clickhouse/client";
import { latestEpisodes } from "./episodes";
import { type Evaluation, latestEvaluations } from "./evaluations";
import type { Rule } from "./rule";

export interface RuleState {
  state: "disabled" | "firing" | "ok" | "insufficient_data" | "error" | "pending";
  /** The state in words, as the rules table shows it. */
  text: string;
  /** The latest evaluation counted here; null when none since the rule's last change. */
  evaluatedAt: Date | null;
}

/**
 * Pure: a rule's state from its latest evaluation and its open episodes. An open episode stays open
 * while its data is insufficient (decide.ts: no data changes nothing), so "firing" wins; an evaluation
 * older than the rule's last change judged another rule, so it does not count.
 */
export function ruleState(rule: Rule, evaluation: Evaluation | undefined, openSubjects: readonly string[]): RuleState {
  const current = evaluation && evaluation.evaluatedAt.getTime() >= rule.updatedAt.getTime() ? evaluation : undefined;
  const evaluatedAt = current?.evaluatedAt ?? null;
  if (!rule.spec.enabled) return { state: "disabled", text: "disabled", evaluatedAt };
  if (openSubjects.length > 0) return { state: "firing", text: `firing: ${openSubjects.join(", ")}`, evaluatedAt };
  if (!current) return { state: "pending", text: "not evaluated yet", evaluatedAt };
  switch (current.status) {
    case "insufficient_data":
      return { state: "insufficient_data", text: `not evaluating: insufficient data (${current.reason})`, evaluatedAt };
    case "error":
      return { state: "error", text: `not evaluating: ${current.reason}`, evaluatedAt };
    default:
      // "firing" with no open episode: within the cool-down after a resolution, nothing is sent.
      return current.status === "firing" ? { state: "firing", text: "firing (in cool-down, not re-sent)", evaluatedAt } : { state: "ok", text: "ok", evaluatedAt };
  }
}

/** The state of each of the tenant's `rules`, by rule id. */
export async function ruleStates(db: Db, tenantId: string, rules: readonly Rule[]): Promise<Map<string, RuleState>> {
  const [evaluations, episodes] = await Promise.all([latestEvaluations(db, tenantId), latestEpisodes(db, tenantId)]);
  const open = new Map<string, string[]>();
  for (const e of episodes) if (e.state === "open") open.set(e.ruleId, [...(open.get(e.ruleId) ?? []), e.subject]);
  return new Map(rules.map((r) => [r.ruleId, ruleState(r, evaluations.get(r.ruleId), open.get(r.ruleId) ?? [])]));
}
