import { readFileSync } from "node:fs";
import path from "node:path";
import { type DeliveryAttempt, deliveryLog } from "@/server/alerts/delivery-log";
import { setDigestSubscription } from "@/server/alerts/digest-subscriptions";
import { type Episode, alertHistory } from "@/server/alerts/episodes";
import { describeRule } from "@/server/alerts/condition";
import type { Rule } from "@/server/alerts/rule";
import { AlertRuleError, type Actor, createRule, listRules, redactRule, removeRule, setRuleEnabled, updateRule } from "@/server/alerts/rules";
import { sendTestAlert, type TestDelivery } from "@/server/alerts/send-test-alert";
import { mailerFromEnv, publicUrlFromEnv } from "@/server/alerts/start-alerts";
import { env } from "@/server/env";
import { TenantError, requireTenant } from "@/server/tenants";
import { CliError, type CommandContext, type ParsedArgs, defineCommand, requireOpt, stringOpt } from "../command";

const tenantOption = { tenant: { type: "string" } } as const;

async function actorFor(ctx: CommandContext, args: ParsedArgs): Promise<Actor> {
  try {
    const t = await requireTenant(ctx.db, requireOpt(args, "tenant"));
    return { tenantId: t.tenant_id, actorId: `cli:${ctx.actor}` };
  } catch (err) {
    if (err instanceof TenantError) throw new CliError(err.message);
    throw err;
  }
}

async function userErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AlertRuleError) throw new CliError(err.message);
    throw err;
  }
}

function ruleLine(r: Rule): string {
  const to = r.spec.recipients.map((x) => (x.kind === "email" ? x.to : `${x.url} (${x.format})`)).join(", ") || "no recipients";
  return `${r.ruleId}\t${r.spec.enabled ? "on" : "off"}\t${r.spec.severity}\t${r.spec.name}: ${describeRule(r.spec)} → ${to}`;
}

export const alertsList = defineCommand({
  name: "alerts list",
  summary: "List a tenant's alert rules (webhook secrets redacted)",
  usage: "plumbline alerts list --tenant <slug> [--json]",
  options: tenantOption,
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    return (await listRules(ctx.db, actor.tenantId)).map(redactRule);
  },
  format: (rules: Rule[]) => (rules.length === 0 ? "No alert rules." : ["ID\tSTATE\tSEVERITY\tRULE", ...rules.map(ruleLine)].join("\n")),
});

function ruleJson(ctx: CommandContext, args: ParsedArgs): unknown {
  const file = stringOpt(args, "file");
  const text = file ? readFileSync(path.resolve(ctx.cwd, file), "utf8") : stringOpt(args, "spec");
  if (!text) throw new CliError("Give the rule with --spec '<json>' or --file <rule.json>", 2);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`The rule is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, 2);
  }
}

export const alertsCreate = defineCommand({
  name: "alerts create",
  summary: "Create an alert rule from JSON (--spec '<json>' or --file rule.json)",
  usage:
    "plumbline alerts create --tenant <slug> (--spec '<json>' | --file <rule.json>) [--json]\n" +
    `  e.g. --spec '{"kind":"threshold","name":"Exception spike","metric":"exception-rate","op":"gt","value":0.15,` +
    `"recipients":[{"kind":"email","to":"ops@firm.example"},{"kind":"webhook","url":"https://hooks.example/x","format":"slack"}]}'`,
  options: { ...tenantOption, spec: { type: "string" }, file: { type: "string" } },
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const input = ruleJson(ctx, args);
    return userErrors(() => createRule(ctx.db, actor, input));
  },
  format: (r: Rule) => {
    const secrets = r.spec.recipients.flatMap((x) => (x.kind === "webhook" ? [`  ${x.url}: ${x.secret}`] : []));
    return [
      `Created alert rule ${r.ruleId}: ${r.spec.name} (${describeRule(r.spec)})`,
      ...(secrets.length ? ["Webhook signing secrets (shown once; verify X-Plumbline-Signature with them):", ...secrets] : []),
    ].join("\n");
  },
});

const byId = (verb: string) => ({
  options: tenantOption,
  usage: `plumbline alerts ${verb} <rule-id> --tenant <slug> [--json]`,
});

function ruleIdArg(args: ParsedArgs): string {
  const id = args.positionals[0];
  if (!id) throw new CliError("A rule id is required (see plumbline alerts list)", 2);
  return id;
}

export const alertsUpdate = defineCommand({
  name: "alerts update",
  summary: "Replace an alert rule with a new version (webhook secrets given without one are kept)",
  options: { ...tenantOption, spec: { type: "string" }, file: { type: "string" } },
  usage: "plumbline alerts update <rule-id> --tenant <slug> (--spec '<json>' | --file <rule.json>) [--json]",
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const id = ruleIdArg(args);
    const input = ruleJson(ctx, args);
    return redactRule(await userErrors(() => updateRule(ctx.db, actor, id, input)));
  },
  format: (r: Rule) => `Updated alert rule ${r.ruleId}: ${r.spec.name} (${describeRule(r.spec)})`,
});

export const alertsRemove = defineCommand({
  name: "alerts remove",
  summary: "Remove an alert rule (its open episodes resolve)",
  ...byId("remove"),
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const id = ruleIdArg(args);
    await userErrors(() => removeRule(ctx.db, actor, id));
    return { removed: id };
  },
  format: (r: { removed: string }) => `Removed alert rule ${r.removed}`,
});

export const alertsEnable = defineCommand({
  name: "alerts enable",
  summary: "Enable (or with --off, disable) an alert rule",
  options: { ...tenantOption, off: { type: "boolean" } },
  usage: "plumbline alerts enable <rule-id> --tenant <slug> [--off] [--json]",
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const id = ruleIdArg(args);
    return redactRule(await userErrors(() => setRuleEnabled(ctx.db, actor, id, args.values.off !== true)));
  },
  format: (r: Rule) => `Alert rule ${r.ruleId} is ${r.spec.enabled ? "enabled" : "disabled"}`,
});

export const alertsTest = defineCommand({
  name: "alerts test",
  summary: "Send a test alert to every recipient of a rule and report each delivery",
  ...byId("test"),
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const id = ruleIdArg(args);
    const e = env();
    const mailer = mailerFromEnv(e);
    try {
      return await userErrors(() => sendTestAlert(ctx.db, actor, id, { mailer, publicUrl: publicUrlFromEnv(e) }));
    } finally {
      mailer?.close();
    }
  },
  format: (attempts: TestDelivery[]) =>
    attempts.length === 0 ? "The rule has no recipients." : attempts.map((a) => `${a.status}\t${a.channel}\t${a.target}`).join("\n"),
});

export const alertsHistory = defineCommand({
  name: "alerts history",
  summary: "Alert episodes (fired and resolved), newest first",
  options: { ...tenantOption, rule: { type: "string" }, open: { type: "boolean" }, limit: { type: "string" } },
  usage: "plumbline alerts history --tenant <slug> [--rule <id>] [--open] [--limit 100] [--json]",
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const limit = Number(stringOpt(args, "limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 1) throw new CliError("--limit must be a positive integer", 2);
    return alertHistory(ctx.db, actor.tenantId, { ruleId: stringOpt(args, "rule"), state: args.values.open ? "open" : undefined, limit });
  },
  format: (eps: Episode[]) =>
    eps.length === 0
      ? "No alerts."
      : [
          "OPENED\tSTATE\tSEVERITY\tRULE\tSUMMARY",
          ...eps.map((e) => `${e.openedAt.toISOString()}\t${e.state}${e.resolvedAt ? ` ${e.resolvedAt.toISOString()}` : ""}\t${e.severity}\t${e.ruleId}\t${e.summary}`),
        ].join("\n"),
});

export const alertsDeliveries = defineCommand({
  name: "alerts deliveries",
  summary: "The delivery log: every webhook and e-mail attempt, newest first",
  options: { ...tenantOption, rule: { type: "string" } },
  usage: "plumbline alerts deliveries --tenant <slug> [--rule <id>] [--json]",
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    return deliveryLog(ctx.db, actor.tenantId, { ruleId: stringOpt(args, "rule") });
  },
  format: (log: DeliveryAttempt[]) =>
    log.length === 0
      ? "No deliveries."
      : [
          "AT\tSTATUS\tATTEMPT\tEVENT\tCHANNEL\tTARGET\tERROR",
          ...log.map((a) => `${a.at.toISOString()}\t${a.status}\t${a.attempt}\t${a.event}\t${a.channel}\t${a.target}\t${a.error}`),
        ].join("\n"),
});

export const alertsDigest = defineCommand({
  name: "alerts digest",
  summary: "Opt a user in to (or with --off, out of) the weekly executive digest",
  options: { ...tenantOption, user: { type: "string" }, email: { type: "string" }, off: { type: "boolean" } },
  usage: "plumbline alerts digest --tenant <slug> --user <user-id> --email <address> [--off] [--json]",
  async run(ctx, args) {
    const actor = await actorFor(ctx, args);
    const input = { userId: requireOpt(args, "user"), email: requireOpt(args, "email"), enabled: args.values.off !== true };
    try {
      await setDigestSubscription(ctx.db, actor, input);
    } catch (err) {
      throw new CliError(`Invalid subscription: ${err instanceof Error ? err.message : String(err)}`, 2);
    }
    return input;
  },
  format: (s: { userId: string; email: string; enabled: boolean }) =>
    `${s.email} (${s.userId}) ${s.enabled ? "will receive" : "will no longer receive"} the weekly digest`,
});

export const alertsCommands = [alertsList, alertsCreate, alertsUpdate, alertsRemove, alertsEnable, alertsTest, alertsHistory, alertsDeliveries, alertsDigest];
