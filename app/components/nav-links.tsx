"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import type { ActiveTenant } from "@/app/trpc/server";
import { mayView, type VIEW_ROLES } from "./section";
import { useViewTenant } from "./view-tenant";

export const NAV: readonly { href: string; label: string; view: keyof typeof VIEW_ROLES }[] = [
  { href: "/overview", label: "Overview", view: "overview" },
  { href: "/workflows", label: "Workflows", view: "workflows" },
  { href: "/exceptions", label: "Exceptions", view: "exceptions" },
  { href: "/runs", label: "Runs", view: "runs" },
  { href: "/sources", label: "Sources", view: "sources" },
  { href: "/compliance", label: "Compliance", view: "compliance" },
  { href: "/alerts", label: "Alerts", view: "alerts" },
  { href: "/settings", label: "Settings", view: "settings" },
];

/**
 * Primary navigation: only the views the member's role in the shown tenant may open (VIEW_ROLES),
 * keeping `?tenant=` so a link stays in that tenant. The current section is marked for screen
 * readers and sighted users alike.
 */
export function NavLinks({ tenants, activeSlug }: { tenants: ActiveTenant[]; activeSlug: string | undefined }) {
  const pathname = usePathname();
  const named = useSearchParams().get("tenant");
  const tenant = useViewTenant(tenants, activeSlug);
  const items = NAV.filter((item) => tenant && mayView(item.view, tenant.role));
  const query = named && tenant?.slug === named ? `?tenant=${encodeURIComponent(named)}` : "";
  return (
    <nav aria-label="Main" className="flex flex-row gap-1 overflow-x-auto md:flex-col">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={`${item.href}${query}`}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
              active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
