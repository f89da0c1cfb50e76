import Link from "next/link";
import { redirect } from "next/navigation";
import { type ReactNode, Suspense } from "react";
import { UserMenu } from "@/app/(auth)/components/user-menu";
import { NavLinks } from "@/app/components/nav-links";
import { StoreBanner } from "@/app/components/store-banner";
import { activeTenant } from "@/app/trpc/server";
import { currentUser } from "@/server/auth/auth";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // The authoritative gate (proxy.ts only redirects early when there is no session cookie at all).
  if (!(await currentUser())) redirect("/sign-in");
  // A layout gets no search parameters: the sidebar's client parts pick the tenant `?tenant=` names.
  const { active, tenants } = await activeTenant();
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-slate-200 bg-white p-3 md:w-56 md:shrink-0 md:border-b-0 md:border-r md:p-4">
        <Link href="/" className="mb-4 block px-3 text-lg font-semibold tracking-tight text-slate-900">
          Plumbline
        </Link>
        <NavLinks tenants={tenants} activeSlug={active?.slug} />
        <UserMenu tenants={tenants} activeSlug={active?.slug} />
      </aside>
      <main id="main" className="flex-1 p-4 md:p-8">
        {/* The probe must not hold the page: it waits behind the page's own queries on a busy store. */}
        <Suspense fallback={null}>
          <StoreBanner />
        </Suspense>
        {children}
      </main>
    </div>
  );
}
