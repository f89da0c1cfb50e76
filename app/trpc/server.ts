import { cookies, headers } from "next/headers";
import { cache } from "react";
import { currentUser } from "@/server/auth/auth";
import { db } from "@/server/db";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";

/** The tenant the user last switched to; a preference only — every procedure re-checks membership. */
export const TENANT_COOKIE = "plumbline_tenant";

/** For Server Components and route handlers: the same procedures, called in-process as the signed-in user. */
export async function serverCaller() {
  return createCaller(createContext({ db: await db(), user: await currentUser(), headers: await headers() }));
}

export interface ActiveTenant {
  slug: string;
  name: string;
  role: "admin" | "executive" | "ops" | "engineer";
}

/**
 * The signed-in user's tenants and the active one (the cookie's, else the first); pages pass
 * `active.slug` as the `tenant` input of every tenant procedure. Undefined active = no membership.
 * Read once per request (React `cache`): the layout and the page both ask.
 */
export const activeTenant = cache(async (): Promise<{ active: ActiveTenant | undefined; tenants: ActiveTenant[] }> => {
  const tenants = await (await serverCaller()).me.tenants();
  const chosen = (await cookies()).get(TENANT_COOKIE)?.value;
  return { active: tenants.find((t) => t.slug === chosen) ?? tenants[0], tenants };
});
