/**
 * The demo firms: a 40-person law firm and a healthcare practice. Every number here is a plausible
 * figure for such firms, not a measurement; the generator turns them into runs, steps and syncs.
 */

export type Actor = "ai" | "human" | "system";

export interface DemoStep {
  step: string;
  actor: Actor;
  /** Typical minutes of elapsed time and, for human steps, of human effort. */
  minutes: number;
  model?: string;
  classification?: "public" | "internal" | "pii" | "phi" | "privileged";
  review?: boolean;
}

export interface DemoWorkflow {
  workflow: string;
  displayName: string;
  /** Days before the anchor date that the workflow went live. */
  goLiveDaysAgo: number;
  /** Measured pre-go-live days (0: only a declared time study exists). */
  baselineDays: number;
  runsPerWeekday: number;
  hourlyCost: number;
  reviewSlaMinutes: number;
  exceptionSlaMinutes: number;
  platformCostMonthly: number;
  implementationCost: number;
  baselineSteps: DemoStep[];
  liveSteps: DemoStep[];
  /** Baseline cycle time in hours (median of a log-normal) and exception share. */
  baselineCycleHours: number;
  baselineExceptionRate: number;
  /** Where the rollout ends up after a year, as a share of the baseline cycle time. */
  targetCycleShare: number;
  liveExceptionRate: number;
  exceptionReasons: string[];
  /** The keys of targetsSchema (metrics/workflow-settings.ts), which the milestones read. */
  targets: { cycle_time_compression?: number; exception_rate?: number; labor_hours_30d?: number };
  approvedModels: Record<string, string[]>;
  declared?: { minutesPerRun: number; runsPerMonth: number; exceptionShare: number; method: string; author: string; byRole: Record<string, number> };
}

export interface DemoSource {
  source: string;
  displayName: string;
  kind: string;
  freshnessSlaMinutes: number;
  syncEveryMinutes: number;
  /** Share of records that fail validation. */
  invalidShare: number;
  /** Outages: [start days ago, length hours]. The last one may still be going on. */
  outages: [number, number][];
}

export interface DemoFirm {
  slug: string;
  name: string;
  currency: string;
  workflows: DemoWorkflow[];
  sources: DemoSource[];
}

const lawModels = { pii: ["gpt-4o", "claude-sonnet-4"], privileged: ["claude-sonnet-4"], internal: ["gpt-4o", "claude-sonnet-4", "gpt-4o-mini"] };

export const DEMO_FIRMS: DemoFirm[] = [
  {
    slug: "demo",
    name: "Harbor & Lane LLP (demo)",
    currency: "USD",
    workflows: [
      {
        workflow: "client-intake",
        displayName: "Client intake",
        goLiveDaysAgo: 395,
        baselineDays: 120,
        runsPerWeekday: 14,
        hourlyCost: 95,
        reviewSlaMinutes: 240,
        exceptionSlaMinutes: 480,
        platformCostMonthly: 1200,
        implementationCost: 38000,
        baselineCycleHours: 26,
        baselineExceptionRate: 0.14,
        targetCycleShare: 0.35,
        liveExceptionRate: 0.07,
        exceptionReasons: ["missing-id", "incomplete-form", "duplicate-client", "low-confidence"],
        targets: { cycle_time_compression: 0.4, exception_rate: 0.09, labor_hours_30d: 250 },
        approvedModels: lawModels,
        baselineSteps: [
          { step: "receive-request", actor: "human", minutes: 8, classification: "pii" },
          { step: "collect-details", actor: "human", minutes: 22, classification: "pii" },
          { step: "enter-in-pms", actor: "human", minutes: 15, classification: "pii" },
          { step: "engagement-letter", actor: "human", minutes: 12, classification: "privileged" },
        ],
        liveSteps: [
          { step: "receive-request", actor: "system", minutes: 1, classification: "pii" },
          { step: "extract-details", actor: "ai", minutes: 2, model: "gpt-4o", classification: "pii" },
          { step: "enter-in-pms", actor: "system", minutes: 1, classification: "pii" },
          { step: "draft-engagement-letter", actor: "ai", minutes: 3, model: "claude-sonnet-4", classification: "privileged" },
          { step: "review-letter", actor: "human", minutes: 6, classification: "privileged", review: true },
        ],
      },
      {
        workflow: "conflict-check",
        displayName: "Conflict check",
        goLiveDaysAgo: 388,
        baselineDays: 120,
        runsPerWeekday: 16,
        hourlyCost: 110,
        reviewSlaMinutes: 120,
        exceptionSlaMinutes: 240,
        platformCostMonthly: 900,
        implementationCost: 26000,
        baselineCycleHours: 9,
        baselineExceptionRate: 0.1,
        targetCycleShare: 0.3,
        liveExceptionRate: 0.06,
        exceptionReasons: ["possible-conflict", "name-ambiguity", "related-party"],
        targets: { cycle_time_compression: 0.5, exception_rate: 0.08, labor_hours_30d: 180 },
        approvedModels: lawModels,
        baselineSteps: [
          { step: "search-records", actor: "human", minutes: 25, classification: "privileged" },
          { step: "assess-hits", actor: "human", minutes: 15, classification: "privileged" },
          { step: "clear-or-escalate", actor: "human", minutes: 6, classification: "privileged" },
        ],
        liveSteps: [
          { step: "search-records", actor: "system", minutes: 1, classification: "privileged" },
          { step: "assess-hits", actor: "ai", minutes: 2, model: "claude-sonnet-4", classification: "privileged" },
          { step: "attorney-review", actor: "human", minutes: 5, classification: "privileged", review: true },
        ],
      },
      {
        workflow: "billing-narrative",
        displayName: "Billing narratives",
        goLiveDaysAgo: 200,
        baselineDays: 90,
        runsPerWeekday: 30,
        hourlyCost: 180,
        reviewSlaMinutes: 1440,
        exceptionSlaMinutes: 2880,
        platformCostMonthly: 1500,
        implementationCost: 45000,
        baselineCycleHours: 50,
        baselineExceptionRate: 0.08,
        targetCycleShare: 0.5,
        liveExceptionRate: 0.05,
        exceptionReasons: ["block-billing", "vague-entry", "rate-mismatch"],
        targets: { cycle_time_compression: 0.3, exception_rate: 0.06, labor_hours_30d: 300 },
        approvedModels: lawModels,
        baselineSteps: [
          { step: "collect-time-entries", actor: "system", minutes: 2, classification: "internal" },
          { step: "write-narrative", actor: "human", minutes: 14, classification: "privileged" },
          { step: "partner-review", actor: "human", minutes: 5, classification: "privileged" },
        ],
        liveSteps: [
          { step: "collect-time-entries", actor: "system", minutes: 1, classification: "internal" },
          { step: "draft-narrative", actor: "ai", minutes: 1, model: "gpt-4o-mini", classification: "privileged" },
          { step: "partner-review", actor: "human", minutes: 4, classification: "privileged", review: true },
        ],
      },
    ],
    sources: [
      { source: "clio", displayName: "Clio (practice management)", kind: "pms", freshnessSlaMinutes: 120, syncEveryMinutes: 60, invalidShare: 0.004, outages: [[220, 30], [75, 9]] },
      { source: "netdocuments", displayName: "NetDocuments (DMS)", kind: "dms", freshnessSlaMinutes: 240, syncEveryMinutes: 120, invalidShare: 0.001, outages: [[140, 20]] },
      { source: "quickbooks", displayName: "QuickBooks (billing)", kind: "erp", freshnessSlaMinutes: 1440, syncEveryMinutes: 360, invalidShare: 0.01, outages: [[0.4, 48]] },
    ],
  },
  {
    slug: "demo-clinic",
    name: "Riverside Family Practice (demo)",
    currency: "USD",
    workflows: [
      {
        workflow: "prior-authorization",
        displayName: "Prior authorization",
        goLiveDaysAgo: 380,
        baselineDays: 120,
        runsPerWeekday: 18,
        hourlyCost: 55,
        reviewSlaMinutes: 120,
        exceptionSlaMinutes: 480,
        platformCostMonthly: 800,
        implementationCost: 30000,
        baselineCycleHours: 70,
        baselineExceptionRate: 0.22,
        targetCycleShare: 0.45,
        liveExceptionRate: 0.13,
        exceptionReasons: ["missing-clinical-notes", "payer-portal-down", "code-mismatch", "denied"],
        targets: { cycle_time_compression: 0.35, exception_rate: 0.12, labor_hours_30d: 150 },
        approvedModels: { phi: ["azure-gpt-4o"], internal: ["azure-gpt-4o", "gpt-4o-mini"] },
        baselineSteps: [
          { step: "gather-documentation", actor: "human", minutes: 18, classification: "phi" },
          { step: "submit-to-payer", actor: "human", minutes: 14, classification: "phi" },
          { step: "follow-up", actor: "human", minutes: 10, classification: "phi" },
        ],
        liveSteps: [
          { step: "gather-documentation", actor: "ai", minutes: 3, model: "azure-gpt-4o", classification: "phi" },
          { step: "nurse-review", actor: "human", minutes: 6, classification: "phi", review: true },
          { step: "submit-to-payer", actor: "system", minutes: 2, classification: "phi" },
        ],
      },
      {
        workflow: "patient-intake",
        displayName: "Patient intake",
        goLiveDaysAgo: 45,
        baselineDays: 0,
        runsPerWeekday: 35,
        hourlyCost: 42,
        reviewSlaMinutes: 60,
        exceptionSlaMinutes: 240,
        platformCostMonthly: 600,
        implementationCost: 12000,
        baselineCycleHours: 4,
        baselineExceptionRate: 0.12,
        targetCycleShare: 0.6,
        liveExceptionRate: 0.09,
        exceptionReasons: ["insurance-not-verified", "missing-consent"],
        targets: { cycle_time_compression: 0.3, exception_rate: 0.1, labor_hours_30d: 120 },
        approvedModels: { phi: ["azure-gpt-4o"] },
        declared: {
          minutesPerRun: 18,
          runsPerMonth: 760,
          exceptionShare: 0.12,
          method: "Time study: 40 intakes observed over two weeks at the front desk",
          author: "Practice manager",
          byRole: { "front-desk": 14, nurse: 4 },
        },
        baselineSteps: [],
        liveSteps: [
          { step: "digital-form", actor: "system", minutes: 1, classification: "phi" },
          { step: "verify-insurance", actor: "ai", minutes: 2, model: "azure-gpt-4o", classification: "phi" },
          { step: "front-desk-check", actor: "human", minutes: 5, classification: "phi", review: true },
        ],
      },
    ],
    sources: [
      { source: "ehr", displayName: "EHR", kind: "ehr", freshnessSlaMinutes: 60, syncEveryMinutes: 30, invalidShare: 0.002, outages: [[160, 14], [30, 6]] },
      { source: "payer-portal", displayName: "Payer portal", kind: "portal", freshnessSlaMinutes: 240, syncEveryMinutes: 120, invalidShare: 0.02, outages: [[100, 36]] },
    ],
  },
];
