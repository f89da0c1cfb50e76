import { randomUUID } from "node:crypto";
import type { Role } from "../auth/roles";
import type { TestTenant } from "./test-world";

/**
 * The intended access of every tRPC procedure, written out by hand for authorization-matrix.test.ts:
 * a procedure missing here fails the matrix, and each cell's expected outcome is derived from this,
 * never from the code under test.
 */
export interface Declared {
  roles: readonly Role[] | "signed-in";
  /** A valid input aimed at tenant `t`. Workflow names are placed into it where its schema accepts them. */
  sample: (t: TestTenant) => unknown;
  /** The sample reads or writes the whole firm's data (a firm-wide alert rule): refused behind a barrier. */
  firmWide?: true;
  /**
   * An input that names barred data by id rather than by workflow name, and what a barred member gets:
   * FORBIDDEN or NOT_FOUND (the data is as unknown to them), or "allowed" with nothing of it in the answer.
   */
  byId?: { input: (t: TestTenant, seeds: Seeds) => Promise<unknown>; barred: "FORBIDDEN" | "NOT_FOUND" | "allowed" };
}

/** Data of each tenant's barred workflow (its second) that a barred member must not reach by id. */
export interface Seeds {
  /** A fresh alert rule on the barred workflow (fresh, since cells may remove or change it). */
  barredRule(t: TestTenant): Promise<string>;
  /** A live exception of the barred workflow, by tenant id. */
  exceptionRun: Record<string, string>;
}

const ALL: Role[] = ["executive", "ops", "engineer", "admin"];
const READERS: Role[] = ["executive", "ops", "admin"];
const MANAGE: Role[] = ["admin", "ops"];
const ADMIN: Role[] = ["admin"];

const rule = (t: TestTenant, s: Seeds) => s.barredRule(t);
const byRule = (barred: "FORBIDDEN" | "allowed", extra: (t: TestTenant) => object = () => ({})) => ({
  input: async (t: TestTenant, s: Seeds) => ({ tenant: t.slug, ruleId: await rule(t, s), ...extra(t) }),
  barred,
});
const byRun = (extra: object = {}) => ({
  input: async (t: TestTenant, s: Seeds) => ({ tenant: t.slug, runId: s.exceptionRun[t.id] ?? "", ...extra }),
  barred: "NOT_FOUND" as const,
});
const threshold = { kind: "threshold", name: "matrix", metric: "exception-rate", op: "gt", value: 0.5 } as const;

export const policy: Record<string, Declared> = {
  "me.tenants": { roles: "signed-in", sample: () => undefined },
  "workflows.list": { roles: ALL, sample: (t) => ({ tenant: t.slug }) },
  "workflows.byName": { roles: ALL, sample: (t) => ({ tenant: t.slug, workflow: t.workflows[0] }) },
  "users.list": { roles: ADMIN, sample: (t) => ({ tenant: t.slug }) },
  "users.create": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, email: `${randomUUID()}@example.test`, role: "executive" }) },
  "memberships.update": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, userId: t.users.spare.id, role: "ops", groups: [] }) },
  "memberships.remove": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, userId: randomUUID() }) },
  "memberships.setDisabled": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, userId: randomUUID(), disabled: true }) },
  "groups.list": { roles: ADMIN, sample: (t) => ({ tenant: t.slug }) },
  "groups.save": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, name: "matrix", workflows: ["x"] }) },
  "groups.remove": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, groupId: randomUUID() }) },
  "tenantSettings.get": { roles: ADMIN, sample: (t) => ({ tenant: t.slug }) },
  "tenantSettings.update": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, settings: { currency: "EUR" } }) },
  "audit.list": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, limit: 5 }) },
  "audit.export": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, from: new Date(Date.now() - 60_000) }) },
  "ingestKeys.list": { roles: ["engineer", "admin"], sample: (t) => ({ tenant: t.slug }) },
  "ingestKeys.create": { roles: ["engineer", "admin"], sample: (t) => ({ tenant: t.slug, name: "matrix" }) },
  "ingestKeys.revoke": { roles: ["engineer", "admin"], sample: (t) => ({ tenant: t.slug, keyId: randomUUID() }) },
  "overview.summary": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "overview.milestones": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "overview.checkpoints": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "overview.progress": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "overview.pilotTrap": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "workflowDetail.list": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "workflowDetail.byName": { roles: READERS, sample: (t) => ({ tenant: t.slug, workflow: t.workflows[0] }) },
  "workflowDetail.control": { roles: READERS, sample: (t) => ({ tenant: t.slug, workflow: t.workflows[0] }) },
  "exceptions.list": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "exceptions.history": { roles: READERS, sample: (t) => ({ tenant: t.slug, runId: randomUUID() }), byId: byRun() },
  "exceptions.team": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "exceptions.acknowledge": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, runId: randomUUID() }), byId: byRun() },
  "exceptions.assign": {
    roles: MANAGE,
    // An assignee must be a member who may take the workflow's exceptions: the unbarred ops member is one.
    sample: (t) => ({ tenant: t.slug, runId: randomUUID(), assignee: t.users.ops.email }),
    byId: { input: async (t: TestTenant, s: Seeds) => ({ tenant: t.slug, runId: s.exceptionRun[t.id] ?? "", assignee: t.users.ops.email }), barred: "NOT_FOUND" as const },
  },
  "exceptions.resolve": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, runId: randomUUID(), note: "matrix" }), byId: byRun({ note: "matrix" }) },
  "exceptions.reopen": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, runId: randomUUID() }), byId: byRun() },
  "exceptions.count": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "exceptions.page": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "exceptions.assignees": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, workflows: [t.workflows[0]] }) },
  // Each run is checked on its own: a barred run is reported as not found among the results, not refused as a whole.
  "exceptions.acknowledgeMany": {
    roles: MANAGE,
    sample: (t) => ({ tenant: t.slug, runIds: [randomUUID()] }),
    byId: { input: async (t: TestTenant, s: Seeds) => ({ tenant: t.slug, runIds: [s.exceptionRun[t.id] ?? ""] }), barred: "allowed" },
  },
  "sources.list": { roles: ALL, sample: (t) => ({ tenant: t.slug }) },
  "staleness.sources": { roles: ALL, sample: (t) => ({ tenant: t.slug }) },
  "compliance.summary": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "alerts.list": { roles: MANAGE, sample: (t) => ({ tenant: t.slug }) },
  // A stale-source rule reads every source: firm-wide.
  "alerts.create": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, kind: "stale-source", name: "matrix" }), firmWide: true },
  "alerts.update": {
    roles: MANAGE,
    sample: (t) => ({ tenant: t.slug, ruleId: randomUUID(), rule: { ...threshold, workflow: t.workflows[0] } }),
    // Rewritten onto the member's own workflow: only the stored rule's workflow is barred.
    byId: byRule("FORBIDDEN", (t) => ({ rule: { ...threshold, workflow: t.workflows[0] } })),
  },
  "alerts.setEnabled": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, ruleId: randomUUID(), enabled: false }), byId: byRule("FORBIDDEN", () => ({ enabled: false })) },
  "alerts.remove": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, ruleId: randomUUID() }), byId: byRule("FORBIDDEN") },
  "alerts.test": { roles: MANAGE, sample: (t) => ({ tenant: t.slug, ruleId: randomUUID() }), byId: byRule("FORBIDDEN") },
  "anomalies.markers": { roles: READERS, sample: (t) => ({ tenant: t.slug, workflow: t.workflows[0] }) },
  "alerts.band": { roles: ["admin", "ops", "executive"], sample: (t) => ({ tenant: t.slug, ruleId: randomUUID() }), byId: byRule("FORBIDDEN") },
  "alerts.history": { roles: ["admin", "ops", "executive"], sample: (t) => ({ tenant: t.slug }), byId: byRule("allowed") },
  "alerts.deliveries": { roles: MANAGE, sample: (t) => ({ tenant: t.slug }), byId: byRule("allowed") },
  // The digest is ROI figures: not for engineers (docs/security.md "Barriers").
  "alerts.digest": { roles: READERS, sample: (t) => ({ tenant: t.slug, enabled: false }) },
  // Business outcomes are the firm's figures, not a workflow's: refused behind a barrier.
  "business.outcomes": { roles: READERS, sample: (t) => ({ tenant: t.slug }), firmWide: true },
  "business.baselineYears": { roles: READERS, sample: (t) => ({ tenant: t.slug }), firmWide: true },
  "business.lockYear": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, from: "2024-01", reason: "matrix" }), firmWide: true },
  "business.targets": { roles: READERS, sample: (t) => ({ tenant: t.slug }), firmWide: true },
  "business.setTarget": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, outcome: "client-churn", target: -0.01 }), firmWide: true },
  "business.removeTarget": { roles: ADMIN, sample: (t) => ({ tenant: t.slug, outcome: "client-churn" }), firmWide: true },
  "business.milestones": { roles: READERS, sample: (t) => ({ tenant: t.slug }), firmWide: true },
  "alerts.digestStatus": { roles: READERS, sample: (t) => ({ tenant: t.slug }) },
  "runs.list": { roles: READERS, sample: (t) => ({ tenant: t.slug, exception: true, limit: 5 }) },
  // A barred run by id is as unknown as a made-up one.
  "runs.byId": { roles: READERS, sample: (t) => ({ tenant: t.slug, runId: randomUUID() }), byId: byRun() },
  "settingsWorkflows.list": { roles: ADMIN, sample: (t) => ({ tenant: t.slug }) },
  "settingsWorkflows.save": {
    roles: ADMIN,
    sample: (t) => ({
      tenant: t.slug,
      workflow: "matrix",
      go_live_date: null,
      hourly_cost: 100,
      currency: "USD",
      review_sla_minutes: 60,
      exception_sla_minutes: 240,
      targets: "{}",
      approved_models: "{}",
      platform_cost_monthly: 0,
      implementation_cost: 0,
    }),
  },
};
