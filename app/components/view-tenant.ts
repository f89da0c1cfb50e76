"use client";

import { useSearchParams } from "next/navigation";
import type { ActiveTenant } from "@/app/trpc/server";

/**
 * The tenant a dashboard page shows: the one named by `?tenant=` when the user belongs to it, else
 * the switcher's. The same rule as the pages' viewContext, so the sidebar never names another tenant.
 */
export function useViewTenant(tenants: ActiveTenant[], activeSlug: string | undefined): ActiveTenant | undefined {
  const named = useSearchParams().get("tenant");
  return tenants.find((t) => t.slug === named) ?? tenants.find((t) => t.slug === activeSlug);
}
