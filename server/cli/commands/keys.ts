import { type CreatedIngestKey, type IngestKeyInfo, createIngestKey, listIngestKeys, revokeIngestKey } from "@/ingest/keys";
import { audit } from "@/server/audit";
import { TenantError, requireTenant } from "@/server/tenants";
import { CliError, type CommandContext, type ParsedArgs, defineCommand, requireOpt } from "../command";

async function tenantOf(ctx: CommandContext, args: ParsedArgs) {
  try {
    return await requireTenant(ctx.db, requireOpt(args, "tenant"));
  } catch (err) {
    if (err instanceof TenantError) throw new CliError(err.message);
    throw err;
  }
}

export const keysCreate = defineCommand({
  name: "keys create",
  summary: "Create an ingest key for a tenant (the secret is printed once)",
  usage: "plumbline keys create --tenant <slug> --name <label> [--json]",
  options: { tenant: { type: "string" }, name: { type: "string" } },
  async run(ctx, args): Promise<CreatedIngestKey & { tenant: string }> {
    const tenant = await tenantOf(ctx, args);
    const key = await createIngestKey(ctx.db, { tenantId: tenant.tenant_id, name: requireOpt(args, "name"), createdBy: ctx.actor });
    await audit(ctx.db, { tenantId: tenant.tenant_id, actorId: ctx.actor, kind: "change", action: "cli:keys.create", inputSummary: `key ${key.keyId} (${key.name})`, result: "ok" });
    return { ...key, tenant: tenant.slug };
  },
  format: (k) =>
    [
      `Created ingest key "${k.name}" (${k.keyId}) for tenant ${k.tenant}.`,
      "",
      `  ${k.secret}`,
      "",
      "This is the only time the key is shown. Exporters send it as:",
      `  OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20${k.secret}"`,
    ].join("\n"),
});

export const keysList = defineCommand({
  name: "keys list",
  summary: "List a tenant's ingest keys (never their secrets)",
  usage: "plumbline keys list --tenant <slug> [--json]",
  options: { tenant: { type: "string" } },
  async run(ctx, args): Promise<IngestKeyInfo[]> {
    return listIngestKeys(ctx.db, (await tenantOf(ctx, args)).tenant_id);
  },
  format: (keys) =>
    keys.length === 0
      ? "No ingest keys."
      : [
          "ID\tNAME\tPREFIX\tCREATED\tLAST USED\tREVOKED",
          ...keys.map((k) => `${k.keyId}\t${k.name}\t${k.prefix}…\t${k.createdAt}\t${k.lastUsedAt ?? "never"}\t${k.revokedAt ?? "-"}`),
        ].join("\n"),
});

export const keysRevoke = defineCommand({
  name: "keys revoke",
  summary: "Revoke an ingest key (effective within seconds)",
  usage: "plumbline keys revoke <key id> --tenant <slug> [--json]",
  options: { tenant: { type: "string" } },
  async run(ctx, args): Promise<{ keyId: string; revoked: true }> {
    const keyId = args.positionals[0];
    if (!keyId) throw new CliError("A key id is required: plumbline keys revoke <key id> --tenant <slug>", 2);
    const tenant = await tenantOf(ctx, args);
    if (!(await revokeIngestKey(ctx.db, { tenantId: tenant.tenant_id, keyId, revokedBy: ctx.actor }))) {
      throw new CliError(`Tenant ${tenant.slug} has no ingest key ${keyId}. List them with: plumbline keys list --tenant ${tenant.slug}`);
    }
    await audit(ctx.db, { tenantId: tenant.tenant_id, actorId: ctx.actor, kind: "change", action: "cli:keys.revoke", inputSummary: `key ${keyId}`, result: "ok" });
    return { keyId, revoked: true };
  },
  format: (r) => `Revoked ingest key ${r.keyId}.`,
});
