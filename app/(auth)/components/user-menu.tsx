import type { ActiveTenant } from "@/app/trpc/server";
import { currentUser } from "@/server/auth/auth";
import { signOutEverywhere } from "../actions";
import { TenantSwitcher } from "./tenant-switcher";

/** Who is signed in, the tenant shown with the switcher, and sign-out. */
export async function UserMenu({ tenants, activeSlug }: { tenants: ActiveTenant[]; activeSlug: string | undefined }) {
  const user = await currentUser();
  return (
    <div className="mt-6 space-y-2 border-t border-slate-200 px-3 pt-4 text-sm">
      <p className="truncate text-slate-600" data-testid="signed-in-as">
        {user?.email}
      </p>
      <TenantSwitcher tenants={tenants} activeSlug={activeSlug} />
      <form action={signOutEverywhere}>
        <button type="submit" className="text-xs text-slate-600 underline">
          Sign out
        </button>
      </form>
    </div>
  );
}
