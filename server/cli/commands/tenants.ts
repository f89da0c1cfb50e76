import { createTenant, listTenants, TenantError, type Tenant } from "@/server/tenants";
import { CliError, defineCommand, stringOpt } from "../command";

export const tenantsCreate = defineCommand({
  name: "tenants create",
  summary: "Create a tenant",
  usage: "plumbline tenants create <slug> [--name <display name>] [--json]",
  options: { name: { type: "string" } },
  async run(ctx, args) {
    const slug = args.positionals[0];
    if (!slug) throw new CliError("A slug is required: plumbline tenants create <slug>", 2);
    try {
      return await createTenant(ctx.db, { slug, name: stringOpt(args, "name") });
    } catch (err) {
      if (err instanceof TenantError) throw new CliError(err.message);
      throw err;
    }
  },
  format: (t: Tenant) => `Created tenant ${t.slug} (${t.name}), id ${t.tenant_id}`,
});

export const tenantsList = defineCommand({
  name: "tenants list",
  summary: "List tenants",
  usage: "plumbline tenants list [--json]",
  async run(ctx) {
    return listTenants(ctx.db);
  },
  format: (ts: Tenant[]) =>
    ts.length === 0
      ? "No tenants."
      : ["SLUG\tNAME\tID\tCREATED", ...ts.map((t) => `${t.slug}\t${t.name}\t${t.tenant_id}\t${t.created_at}`)].join("\n"),
});
