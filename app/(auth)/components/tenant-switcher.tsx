"use client";

import type { ActiveTenant } from "@/app/trpc/server";
import { useViewTenant } from "@/app/components/view-tenant";
import { switchTenant } from "../actions";

/** The tenant the page shows and the member's role in it, and the switcher (only with several tenants). */
export function TenantSwitcher({ tenants, activeSlug }: { tenants: ActiveTenant[]; activeSlug: string | undefined }) {
  const shown = useViewTenant(tenants, activeSlug);
  if (!shown) return <p className="text-xs text-red-700">No access to any tenant yet: ask an admin to add you.</p>;
  return (
    <>
      <p className="text-xs text-slate-500" data-testid="tenant-shown">
        {shown.name} · {shown.role}
      </p>
      {tenants.length > 1 ? (
        <form action={switchTenant} className="flex gap-1">
          <label className="sr-only" htmlFor="tenant-switcher">
            Tenant
          </label>
          <select id="tenant-switcher" name="tenant" key={shown.slug} defaultValue={shown.slug} className="min-w-0 flex-1 rounded border border-slate-300 px-1 py-1 text-xs">
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded border border-slate-300 px-2 text-xs">
            Switch
          </button>
        </form>
      ) : null}
    </>
  );
}
