import { z } from "zod";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import { type OpenExceptionCounts, openExceptionCounts } from "./open-exception";
import { REVIEW_SLA_SQL } from "./review-latency";
import { SCOPE_SQL } from "./scope";
import { STEP_DAYS, stepDaysParams } from "./step-days";
import { workflowSettings, type WorkflowSettings } from "./workflow-settings";

export interface ComplianceResult extends MetricResultBase {
  key: "compliance";
  ai_steps: number;
  /** AI steps with model, model version and prompt version ÷ AI steps. */
  audit_coverage: number | null;
  reviews_required: number;
  reviews_done: number;
  review_coverage: number | null;
  reviews_with_sla: number;
  review_sla_adherence: number | null;
  policy_violations: { total: number; unapproved_model_steps: number; denied_accesses: number; by_model: { workflow: string; classification: string; model: string; steps: number }[] };
  open_exceptions: { open: number; past_sla: number; oldest_past_sla_hours: number | null };
}

/** Classes whose processing by AI needs an approved model (DESIGN.md §3.5). */
const GUARDED = ["phi", "privileged"];

const stepsRow = z.object({ ai: z.coerce.number(), documented: z.coerce.number(), required: z.coerce.number(), done: z.coerce.number() });
const usageRow = z.object({ workflow: z.string(), classification: z.string(), model: z.string(), steps: z.coerce.number() });
const countRow = z.object({ n: z.coerce.number() });
const reviewRow = z.object({ with_sla: z.coerce.number(), within: z.coerce.number() });

interface Data {
  steps: z.output<typeof stepsRow>;
  usage: z.output<typeof usageRow>[];
  denied: number;
  reviews: z.output<typeof reviewRow>;
  open: OpenExceptionCounts;
  settings: Map<string, WorkflowSettings>;
}

const first = <T>(rows: T[], fallback: T): T => rows[0] ?? fallback;

export const compliance = defineMetric<"compliance", Data, ComplianceResult>({
  key: "compliance",
  title: "Compliance",
  unit: "ratio",
  direction: "up",
  async load(db, { input, scope }) {
    const params = { ...scope.params, from: scope.from, to: scope.to, phase: input.phase ?? "live", guarded: GUARDED };
    // Each step once (step-days.ts): a span delivered twice is one AI step, one review, one violation.
    const byDay = { ...params, ...stepDaysParams(params.phase, scope.from, scope.to) };
    // Independent reads, side by side: the page waits for the slowest, not for their sum.
    const [steps, usage, denied, reviews, open, settings] = await Promise.all([
      db.query(
        // Columns named with their table: the alias \`ai\` would otherwise be read inside the aggregates.
        `SELECT sumIf(step_days.steps, step_days.ai = 1) AS ai,
                sumIf(step_days.steps, step_days.ai = 1 AND model != '' AND model_version != '' AND prompt_version != '') AS documented,
                sum(review_required) AS required, sum(reviews) AS done
         FROM ${STEP_DAYS}`,
        byDay,
        stepsRow,
      ),
      db.query(
        `SELECT workflow, classification, model, sum(steps) AS steps FROM ${STEP_DAYS}
           AND ai = 1 AND classification IN {guarded:Array(String)}
         GROUP BY workflow, classification, model HAVING steps > 0 ORDER BY workflow, classification, model`,
        byDay,
        usageRow,
      ),
      db.query(
        // An access event delivered twice (same event_id, the hash of its log record) is one denial.
        `SELECT uniqExact(event_id) AS n FROM data_access_events WHERE ${SCOPE_SQL} AND decision = 'deny'
           AND time >= {from:DateTime64(3)} AND time < {to:DateTime64(3)}`,
        params,
        countRow,
      ),
      // Review latency by day (review-latency.ts), each workflow against its current review SLA.
      db.query(REVIEW_SLA_SQL, byDay, reviewRow),
      // Open exceptions and SLA age: the one definition (open-exception.ts) the queue also reads.
      openExceptionCounts(db, { params: scope.params, from: scope.from, to: scope.to, asOf: scope.asOf }, "pooled"),
      workflowSettings(db, scope.params),
    ]);
    return {
      steps: first(steps, { ai: 0, documented: 0, required: 0, done: 0 }),
      usage,
      denied: denied[0]?.n ?? 0,
      reviews: first(reviews, { with_sla: 0, within: 0 }),
      open: first(open, { wf: "*", open: 0, past_sla: 0, oldest_past_sla_minutes: null }),
      settings,
    };
  },
  compute(d) {
    const ratio = (a: number, b: number) => (b > 0 ? round(Math.min(a / b, 1)) : null);
    const byModel = d.usage.filter((u) => {
      const approved = d.settings.get(u.workflow)?.approved_models[u.classification] ?? [];
      return !approved.includes(u.model);
    });
    const unapproved = byModel.reduce((a, u) => a + u.steps, 0);
    const audit = ratio(d.steps.documented, d.steps.ai);
    const empty = d.steps.ai === 0 && d.steps.required === 0 && d.open.open === 0 && d.denied === 0;
    return {
      status: empty ? "insufficient_data" : "ok",
      ...(empty ? { reason: "No AI steps, reviews, exceptions or access events in the window" } : {}),
      headline: { value: audit, unit: "ratio", label: "Audit coverage of AI steps" },
      ai_steps: d.steps.ai,
      audit_coverage: audit,
      reviews_required: d.steps.required,
      reviews_done: d.steps.done,
      review_coverage: ratio(d.steps.done, d.steps.required),
      reviews_with_sla: d.reviews.with_sla,
      review_sla_adherence: ratio(d.reviews.within, d.reviews.with_sla),
      policy_violations: { total: unapproved + d.denied, unapproved_model_steps: unapproved, denied_accesses: d.denied, by_model: byModel },
      open_exceptions: {
        open: d.open.open,
        past_sla: d.open.past_sla,
        oldest_past_sla_hours: d.open.oldest_past_sla_minutes === null ? null : round(d.open.oldest_past_sla_minutes / 60, 2),
      },
    };
  },
});
