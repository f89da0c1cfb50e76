import type { Db } from "@/clickhouse/client";
import { type MemberScope, mayReadScope, memberScopesByEmail, ROI_ROLES } from "@/server/auth/barrier";
import type { Role } from "@/server/auth/roles";
import { type Rule, type RuleSpec, ruleWorkflow } from "./rule";

/**
 * The roles that read a rule kind's data on some page (app/components/section.tsx VIEW_ROLES): metric
 * thresholds, milestones and exceptions are ROI views; sources and ingest health are every role's.
 */
const READERS: Record<RuleSpec["kind"], readonly Role[]> = {
  threshold: ROI_ROLES,
  milestone: ROI_ROLES,
  "exceptions-past-sla": ROI_ROLES,
  "stale-source": ["executive", "ops", "engineer", "admin"],
  "ingest-rejects": ["executive", "ops", "engineer", "admin"],
  // The detector is an ROI view: the overview and the workflow page show it.
  "pilot-trap": ROI_ROLES,
  // Volume, rates and cost of a workflow are ROI views; ingest and source health every role's.
  anomaly: ROI_ROLES,
};

/**
 * Who may receive a rule's messages. A message carries the rule's data (a metric of its workflow, or
 * of the whole firm), so an e-mail recipient who is a member of the tenant gets it only if that
 * member may read the rule's workflow, and their role reads that kind of data: a firm-wide rule's
 * message never reaches a barred member, nor a metric threshold an engineer.
 * Addresses that are not members (a team mailbox) and webhooks were chosen by whoever wrote the rule,
 * who may read its scope (server/routers/alerts.ts), and receive it as configured.
 */
export class RecipientScopes {
  private readonly members = new Map<string, Promise<Map<string, MemberScope>>>();

  constructor(private readonly db: Db) {}

  /** The rule with only the recipients allowed to read it; members are read once per tenant per instance. */
  async deliverable(rule: Rule): Promise<Rule> {
    if (!rule.spec.recipients.some((r) => r.kind === "email")) return rule;
    let members = this.members.get(rule.tenantId);
    if (!members) {
      members = memberScopesByEmail(this.db, rule.tenantId);
      this.members.set(rule.tenantId, members);
    }
    const scopes = await members;
    const workflow = ruleWorkflow(rule.spec);
    const recipients = rule.spec.recipients.filter((r) => {
      if (r.kind !== "email") return true;
      const member = scopes.get(r.to.toLowerCase());
      return !member || (mayReadScope(member.workflows, workflow) && READERS[rule.spec.kind].includes(member.role));
    });
    return recipients.length === rule.spec.recipients.length ? rule : { ...rule, spec: { ...rule.spec, recipients } };
  }
}
