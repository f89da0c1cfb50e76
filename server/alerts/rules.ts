import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { describeRule } from "./condition";
import { type Rule, type RuleSpec, ruleSpec, ruleWorkflow } from "./rule";

export class AlertRuleError extends Error {
  constructor(message: string, readonly code: "BAD_INPUT" | "NOT_FOUND") {
    super(message);
    this.name = "AlertRuleError";
  }
}

export interface Actor {
  tenantId: string;
  actorId: string;
  actorEmail?: string;
}

const storedRow = z.object({
  tenant_id: z.string(),
  rule_id: z.string(),
  spec: z.string(),
  updated_by: z.string(),
  updated_at: z.string(),
});

// Aliases differ from column names: ClickHouse would otherwise read \`updated_at\` inside argMax as the alias.
const LATEST = `
  SELECT tenant_id, rule_id, last_spec AS spec, last_by AS updated_by, last_at AS updated_at FROM (
  SELECT tenant_id, rule_id, argMax(spec, updated_at) AS last_spec, argMax(updated_by, updated_at) AS last_by,
         toString(max(updated_at)) AS last_at
  FROM alert_rules
  WHERE {all:UInt8} = 1 OR tenant_id = {tenant:String}
  GROUP BY tenant_id, rule_id
  HAVING argMax(removed, updated_at) = 0)`;

function toRule(r: z.infer<typeof storedRow>): Rule {
  return {
    tenantId: r.tenant_id,
    ruleId: r.rule_id,
    spec: ruleSpec.parse(JSON.parse(r.spec)),
    updatedAt: fromClickHouseTime(r.updated_at),
    updatedBy: r.updated_by,
  };
}

/** The tenant's live rules, newest version of each. */
export async function listRules(db: Db, tenantId: string): Promise<Rule[]> {
  const rows = await db.query(`${LATEST} ORDER BY rule_id`, { all: 0, tenant: tenantId }, storedRow);
  return rows.map(toRule);
}

/**
 * Every tenant's live rules: what the evaluator reads each tick. A stored rule that no longer parses
 * (written by another version) is reported through `onInvalid` and skipped, so it cannot stop the others.
 */
export async function listAllRules(db: Db, onInvalid: (tenantId: string, ruleId: string, error: string) => void = () => undefined): Promise<Rule[]> {
  const rows = await db.query(`${LATEST} ORDER BY tenant_id, rule_id`, { all: 1, tenant: "" }, storedRow);
  return rows.flatMap((r) => {
    try {
      return [toRule(r)];
    } catch (err) {
      onInvalid(r.tenant_id, r.rule_id, err instanceof Error ? err.message : String(err));
      return [];
    }
  });
}

export async function ruleById(db: Db, tenantId: string, ruleId: string): Promise<Rule> {
  const rows = await db.query(`SELECT * FROM (${LATEST}) WHERE rule_id = {rule:String}`, { all: 0, tenant: tenantId, rule: ruleId }, storedRow);
  const row = rows[0];
  if (!row) throw new AlertRuleError(`No alert rule ${ruleId}`, "NOT_FOUND");
  return toRule(row);
}

/** Webhook recipients created without a secret get a random one (returned once by `createRule`). */
function withSecrets(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  const o = input as { recipients?: unknown };
  if (!Array.isArray(o.recipients)) return input;
  const recipients = o.recipients.map((r: unknown) =>
    typeof r === "object" && r !== null && (r as { kind?: unknown }).kind === "webhook" && !(r as { secret?: unknown }).secret
      ? { ...r, secret: `whsec_${randomBytes(24).toString("base64url")}` }
      : r,
  );
  return { ...o, recipients };
}

function parseSpec(input: unknown): RuleSpec {
  const parsed = ruleSpec.safeParse(withSecrets(input));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AlertRuleError(`Invalid alert rule: ${first ? `${first.path.join(".")}: ${first.message}` : "unknown"}`, "BAD_INPUT");
  }
  return parsed.data;
}

async function write(db: Db, actor: Actor, ruleId: string, spec: RuleSpec, removed: boolean, action: string): Promise<void> {
  await db.insert("alert_rules", [
    {
      tenant_id: actor.tenantId,
      rule_id: ruleId,
      name: spec.name,
      kind: spec.kind,
      spec: JSON.stringify(spec),
      enabled: spec.enabled ? 1 : 0,
      removed: removed ? 1 : 0,
      updated_by: actor.actorId,
      updated_at: new Date(),
    },
  ]);
  await audit(db, {
    tenantId: actor.tenantId,
    actorId: actor.actorId,
    actorEmail: actor.actorEmail,
    kind: "change",
    action,
    inputSummary: `rule ${ruleId}: ${describeRule(spec)}; ${spec.recipients.length} recipient(s)`,
    result: "ok",
  });
}

/** Creates a rule; the returned rule carries generated webhook secrets, which later reads redact. */
export async function createRule(db: Db, actor: Actor, input: unknown): Promise<Rule> {
  const spec = parseSpec(input);
  const ruleId = randomUUID();
  await write(db, actor, ruleId, spec, false, "alerts.create");
  return { tenantId: actor.tenantId, ruleId, spec, updatedAt: new Date(), updatedBy: actor.actorId };
}

/** Replaces a rule's spec with a new version; webhook secrets omitted in the input keep their stored value. */
export async function updateRule(db: Db, actor: Actor, ruleId: string, input: unknown): Promise<Rule> {
  const current = await ruleById(db, actor.tenantId, ruleId);
  const keep = new Map(current.spec.recipients.flatMap((r) => (r.kind === "webhook" ? [[r.url, r.secret] as const] : [])));
  const raw = typeof input === "object" && input !== null ? (input as { recipients?: unknown }) : {};
  const recipients = Array.isArray(raw.recipients)
    ? raw.recipients.map((r: unknown) => {
        const w = r as { kind?: unknown; url?: unknown; secret?: unknown };
        return w.kind === "webhook" && !w.secret && typeof w.url === "string" && keep.has(w.url) ? { ...w, secret: keep.get(w.url) } : r;
      })
    : raw.recipients;
  const spec = parseSpec({ ...raw, recipients });
  await write(db, actor, ruleId, spec, false, "alerts.update");
  return { ...current, spec, updatedAt: new Date(), updatedBy: actor.actorId };
}

export async function setRuleEnabled(db: Db, actor: Actor, ruleId: string, enabled: boolean): Promise<Rule> {
  const current = await ruleById(db, actor.tenantId, ruleId);
  const spec = { ...current.spec, enabled };
  await write(db, actor, ruleId, spec, false, enabled ? "alerts.enable" : "alerts.disable");
  return { ...current, spec };
}

/** Removes a rule; the evaluator resolves its open episodes on its next tick. */
export async function removeRule(db: Db, actor: Actor, ruleId: string): Promise<void> {
  const current = await ruleById(db, actor.tenantId, ruleId);
  await write(db, actor, ruleId, current.spec, true, "alerts.remove");
}

/** A rule safe to show again: webhook secrets reduced to their first characters. */
export function redactRule(rule: Rule): Rule {
  const recipients = rule.spec.recipients.map((r) => (r.kind === "webhook" ? { ...r, secret: `${r.secret.slice(0, 9)}…` } : r));
  return { ...rule, spec: { ...rule.spec, recipients } };
}

const scopeRow = z.object({ rule_id: z.string(), specs: z.array(z.string()) });

/**
 * Every rule the tenant ever had, removed ones included (their history and deliveries remain), with the
 * workflow of each of its versions; undefined = firm-wide. History written under an earlier version
 * carries that version's data, so a reader must be allowed every version's scope. A stored spec that
 * no longer parses counts as firm-wide, the narrowest audience.
 */
export async function ruleScopes(db: Db, tenantId: string): Promise<Map<string, (string | undefined)[]>> {
  const rows = await db.query(
    `SELECT rule_id, groupArray(spec) AS specs FROM alert_rules WHERE tenant_id = {tenant:String} GROUP BY rule_id`,
    { tenant: tenantId },
    scopeRow,
  );
  return new Map(
    rows.map((r) => [
      r.rule_id,
      r.specs.map((spec) => {
        const parsed = ruleSpec.safeParse(JSON.parse(spec));
        return parsed.success ? ruleWorkflow(parsed.data) : undefined;
      }),
    ]),
  );
}
