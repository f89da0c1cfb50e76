import { activeTenant } from "@/app/trpc/server";
import { currentUser } from "@/server/auth/auth";
import { signOutEverywhere, switchTenant } from "../actions";

/** Who is signed in, the tenant switcher (only with several tenants) and sign-out. */
export async function UserMenu() {
  const [user, { active, tenants }] = await Promise.all([currentUser(), activeTenant()]);
  return (
    <div className="mt-6 space-y-2 border-t border-slate-200 px-3 pt-4 text-sm">
      <p className="truncate text-slate-600" data-testid="signed-in-as">
        {user?.email}
      </p>
      {active ? (
        <p className="text-xs text-slate-500">
          {active.name} · {active.role}
        </p>
      ) : (
        <p className="text-xs text-red-700">No access to any tenant yet: ask an admin to add you.</p>
      )}
      {tenants.length > 1 ? (
        <form action={switchTenant} className="flex gap-1">
          <label className="sr-only" htmlFor="tenant-switcher">
            Tenant
          </label>
          <select id="tenant-switcher" name="tenant" defaultValue={active?.slug} className="min-w-0 flex-1 rounded border border-slate-300 px-1 py-1 text-xs">
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
      <form action={signOutEverywhere}>
        <button type="submit" className="text-xs text-slate-600 underline">
          Sign out
        </button>
      </form>
    </div>
  );
}
