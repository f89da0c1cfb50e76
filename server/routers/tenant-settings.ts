import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { allowedAttributesOf } from "@/ingest/otlp/tenant-policy";
import { router, tenantProcedure } from "../trpc";

const fields = {
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD"),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "a locale such as en-US"),
  /**
   * Span attributes outside the conventions this tenant keeps (DESIGN.md §2): exact names or `prefix.*`.
   * Named as ingest reads it in the stored JSON, so what Settings saves is what ingest applies.
   */
  allowed_attributes: z.array(z.string().min(1).max(200)).max(200),
};

/** Per-tenant options kept in tenants.settings (JSON). Unknown keys are dropped. */
export const tenantSettings = z.object({
  currency: fields.currency.default("USD"),
  locale: fields.locale.default("en-US"),
  allowed_attributes: fields.allowed_attributes.default([]),
});

// A change names only what it changes: without defaults here, saving the locale kept the allow-list
// (tenantSettings.partial() filled every field left out with its default, and emptied the list).
const settingsChange = z.object(fields).partial();

const tenantRow = z.object({ tenant_id: z.string(), slug: z.string(), name: z.string(), settings: z.string() });

async function current(db: Db, tenantId: string) {
  const rows = await db.query(
    `SELECT tenant_id, argMax(slug, updated_at) AS slug, argMax(name, updated_at) AS name, argMax(settings, updated_at) AS settings
     FROM tenants WHERE tenant_id = {tenant:String} GROUP BY tenant_id`,
    { tenant: tenantId },
    tenantRow,
  );
  const row = rows[0];
  if (!row) throw new Error(`tenant ${tenantId} vanished`);
  const stored = safeJson(row.settings);
  const parsed = tenantSettings.safeParse(stored);
  const settings = parsed.success ? parsed.data : tenantSettings.parse({});
  // Settings saved before issue 24 hold the list as `allowedAttributes`; the next save writes the one key.
  return { ...row, settings: { ...settings, allowed_attributes: allowedAttributesOf(stored) } };
}

/** The tenant's options with their defaults (a new workflow takes its currency from here). */
export async function tenantSettingsOf(db: Db, tenantId: string): Promise<z.infer<typeof tenantSettings>> {
  return (await current(db, tenantId)).settings;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}

export const tenantSettingsRouter = router({
  get: tenantProcedure("admin").query(async ({ ctx }) => {
    const t = await current(ctx.db, ctx.tenant.id);
    return { slug: t.slug, name: t.name, settings: t.settings };
  }),
  update: tenantProcedure("admin")
    .input(z.object({ name: z.string().trim().min(1).max(200).optional(), settings: settingsChange.optional() }))
    .mutation(async ({ ctx, input }) => {
      const t = await current(ctx.db, ctx.tenant.id);
      const settings = { ...t.settings, ...input.settings };
      const name = input.name ?? t.name;
      // A new version row: tenants is a ReplacingMergeTree where the newest updated_at wins.
      await ctx.db.insert("tenants", [
        { tenant_id: t.tenant_id, slug: t.slug, name, settings: JSON.stringify(settings), updated_at: new Date() },
      ]);
      return { slug: t.slug, name, settings };
    }),
});
