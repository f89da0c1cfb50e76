import path from "node:path";
import { env } from "@/server/env";
import { deleteTenant, type TenantDeletion } from "@/server/tenant-admin/delete-tenant";
import { exportTenant, type TenantExport } from "@/server/tenant-admin/export-tenant";
import { TenantError } from "@/server/tenants";
import { CliError, defineCommand, stringOpt } from "../command";

/** Failures the user can act on (unknown slug, non-empty directory, missing confirmation) print as such. */
async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TenantError || (err instanceof Error && !("code" in err))) throw new CliError(err.message);
    throw err;
  }
}

export const tenantsExport = defineCommand({
  name: "tenants export",
  summary: "Export all of a tenant's data as JSONEachRow files with a checksummed manifest",
  usage: "plumbline tenants export <slug> <dir> [--json]",
  async run(ctx, args) {
    const [slug, dir] = args.positionals;
    if (!slug || !dir) throw new CliError("Usage: plumbline tenants export <slug> <dir>", 2);
    const target = path.resolve(ctx.cwd, dir);
    ctx.progress(`exporting ${slug} to ${target}`);
    return asCliError(() => exportTenant(ctx.db, slug, target, ctx.actor));
  },
  format: (r: TenantExport) =>
    [
      `Exported tenant ${r.slug} to ${r.dir} (manifest.json lists counts and SHA-256 checksums)`,
      ...r.tables.filter((t) => t.rows > 0).map((t) => `  ${t.table}\t${t.rows}`),
    ].join("\n"),
});

export const tenantsDelete = defineCommand({
  name: "tenants delete",
  summary: "Delete a tenant and all its data (its audit trail is kept); needs --confirm <slug>",
  usage: "plumbline tenants delete <slug> --confirm <slug> [--json]",
  options: { confirm: { type: "string" } },
  async run(ctx, args) {
    const slug = args.positionals[0];
    if (!slug) throw new CliError("Usage: plumbline tenants delete <slug> --confirm <slug>", 2);
    const confirm = stringOpt(args, "confirm") ?? "";
    ctx.progress(`deleting tenant ${slug}`);
    return asCliError(() => deleteTenant(ctx.db, { slug, confirm, actor: ctx.actor, cluster: env().CLICKHOUSE_CLUSTER }));
  },
  format: (r: TenantDeletion) =>
    [
      `Deleted tenant ${r.slug} (${r.tenantId}); ${r.auditRowsKept} audit rows kept, as the audit trail must outlive it`,
      ...r.tables.filter((t) => t.rows > 0).map((t) => `  ${t.table}\t${t.rows} rows deleted`),
    ].join("\n"),
});
