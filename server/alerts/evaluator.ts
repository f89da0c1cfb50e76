import { hostname } from "node:os";
import type { Db } from "@/clickhouse/client";
import { decide, resolved } from "./decide";
import type { Dispatcher } from "./dispatcher";
import type { Mailer } from "./email";
import { type Episode, latestEpisodes, writeEpisode } from "./episodes";
import { writeEvaluation } from "./evaluations";
import type { MetricRunner } from "./metric-runner";
import { messageFor, notify } from "./notify";
import { resumeInterruptedDeliveries } from "./interrupted-deliveries";
import { evaluateRule, type RuleEvaluation } from "./observe";
import { RecipientScopes } from "./recipient-scope";
import type { Rule } from "./rule";
import { listAllRules } from "./rules";

export interface EvaluatorOptions {
  db: Db;
  runMetric: MetricRunner;
  dispatcher: Dispatcher;
  mailer?: Mailer;
  publicUrl: string;
  /** Names this process in episode rows (diagnosing several evaluators in server mode). */
  evaluatorId?: string;
  log?: (line: string) => void;
}

export interface TickReport {
  evaluated: number;
  opened: number;
  resolved: number;
  errors: number;
  /** Notifications a previous process left unfinished, queued again (first tick only). */
  resumed: number;
}

/** Rules evaluated at once, so one slow rule (a metric over a long window) does not hold up the rest. */
const RULE_CONCURRENCY = 4;

/** Older unfinished notifications are stale news: the history still has them. */
const RESUME_WINDOW_MS = 24 * 3_600_000;

const key = (tenantId: string, ruleId: string, subject = "") => `${tenantId}\0${ruleId}\0${subject}`;

/**
 * Evaluates due rules and turns what it sees into episodes and notifications. All episode state is
 * read from the store on every tick, so a new instance (a restart) continues open episodes without
 * re-firing them. Notifications go to the dispatcher's queue; a tick never waits for a receiver.
 */
export class AlertEvaluator {
  private readonly lastRun = new Map<string, number>();
  private resumed = false;
  private readonly id: string;
  private readonly log: (line: string) => void;

  constructor(private readonly o: EvaluatorOptions) {
    this.id = o.evaluatorId ?? `${hostname()}:${process.pid}`;
    this.log = o.log ?? ((line) => console.error(`[alerts] ${line}`));
  }

  async tick(now: Date): Promise<TickReport> {
    const report: TickReport = { evaluated: 0, opened: 0, resolved: 0, errors: 0, resumed: 0 };
    const unreadable = new Set<string>();
    const invalid = (tenantId: string, ruleId: string, error: string) => {
      unreadable.add(key(tenantId, ruleId));
      this.log(`rule ${ruleId} of tenant ${tenantId} is not valid and is skipped: ${error}`);
    };
    const [rules, episodes] = await Promise.all([listAllRules(this.o.db, invalid), latestEpisodes(this.o.db)]);
    // Memberships and barriers are read afresh each tick: a member barred since the last one gets nothing more.
    const recipients = new RecipientScopes(this.o.db);
    if (!this.resumed) {
      this.resumed = true;
      const since = new Date(now.getTime() - RESUME_WINDOW_MS);
      const deliverable = await Promise.all(rules.map((r) => recipients.deliverable(r)));
      report.resumed = await resumeInterruptedDeliveries(this.o.db, { since, rules: deliverable, dispatcher: this.o.dispatcher, mailer: this.o.mailer, publicUrl: this.o.publicUrl });
    }
    const bySubject = new Map<string, Map<string, Episode>>();
    for (const e of episodes) {
      const k = key(e.tenantId, e.ruleId);
      const m = bySubject.get(k) ?? new Map<string, Episode>();
      m.set(e.subject, e);
      bySubject.set(k, m);
    }
    // Episodes of a rule that cannot be read stay as they are until it can.
    const enabled = new Set<string>(unreadable);
    const due: Rule[] = [];
    for (const rule of rules) {
      if (!rule.spec.enabled) continue;
      const k = key(rule.tenantId, rule.ruleId);
      enabled.add(k);
      const last = this.lastRun.get(k);
      if (last !== undefined && now.getTime() - last < rule.spec.intervalMinutes * 60_000) continue;
      this.lastRun.set(k, now.getTime());
      due.push(rule);
    }
    const evaluate = async (rule: Rule) => {
      report.evaluated++;
      try {
        const evaluation = await evaluateRule(this.o.db, this.o.runMetric, rule, now);
        const observations = evaluation.observations;
        await this.record(rule, now, evaluation);
        const transitions = decide(rule, observations, bySubject.get(key(rule.tenantId, rule.ruleId)) ?? new Map(), now);
        const to = transitions.length > 0 ? await recipients.deliverable(rule) : rule;
        for (const t of transitions) {
          await writeEpisode(this.o.db, t.episode, now, this.id);
          notify(this.o.dispatcher, to, messageFor(rule, t.episode, t.kind === "open" ? "fire" : "resolve", this.o.publicUrl), this.o.mailer);
          if (t.kind === "open") report.opened++;
          else report.resolved++;
        }
      } catch (err) {
        report.errors++;
        await this.record(rule, now, null).catch(() => undefined);
        this.log(`rule ${rule.ruleId} (${rule.spec.name}) of tenant ${rule.tenantId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    // Embedded chDB gains little throughput from this (bench.ts: ~35-55 ms per rule either way); it bounds head-of-line waits.
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const rule = due[next++];
        if (rule) await evaluate(rule);
      }
    };
    await Promise.all(Array.from({ length: Math.min(RULE_CONCURRENCY, due.length) }, worker));
    report.resolved += await this.closeOrphans(episodes, enabled, rules, now);
    return report;
  }

  /**
   * The evaluation's outcome as a whole (null: it failed), so the rules table can tell "insufficient
   * data" from "ok". A failure's message may quote SQL: it goes to the log, not to this row.
   */
  private async record(rule: Rule, now: Date, e: RuleEvaluation | null): Promise<void> {
    const status = !e ? "error" : e.insufficient ? "insufficient_data" : e.observations.some((o) => o.firing) ? "firing" : "ok";
    const reason = !e ? "the evaluation failed; the server log has the cause" : (e.insufficient ?? "");
    await writeEvaluation(this.o.db, { tenantId: rule.tenantId, ruleId: rule.ruleId, evaluatedAt: now, status, reason }, this.id);
  }

  /** Open episodes of removed or disabled rules are resolved quietly, so the history does not stay open forever. */
  private async closeOrphans(episodes: Episode[], enabled: Set<string>, rules: Rule[], now: Date): Promise<number> {
    const known = new Set(rules.map((r) => key(r.tenantId, r.ruleId)));
    let n = 0;
    for (const e of episodes) {
      if (e.state !== "open" || enabled.has(key(e.tenantId, e.ruleId))) continue;
      const reason = known.has(key(e.tenantId, e.ruleId)) ? "rule disabled" : "rule removed";
      await writeEpisode(this.o.db, resolved(e, now, e.lastValue, e.summary, reason), now, this.id);
      n++;
    }
    return n;
  }
}
