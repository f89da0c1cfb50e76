import { headers } from "next/headers";
import { connection } from "next/server";
import { z } from "zod";
import { activeTenant, serverCaller, type ActiveTenant } from "@/app/trpc/server";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** What a dashboard URL may carry: every view is reproducible from its link. */
export const viewParams = z.object({
  tenant: z.preprocess(one, z.string().max(100).optional()).catch(undefined),
  from: z.preprocess(one, day.optional()).catch(undefined),
  to: z.preprocess(one, day.optional()).catch(undefined),
  workflow: z.preprocess(one, z.string().min(1).max(200).optional()).catch(undefined),
});
export type ViewParams = z.infer<typeof viewParams>;

export type ServerCaller = Awaited<ReturnType<typeof serverCaller>>;

export interface ViewContext {
  caller: ServerCaller;
  tenant: ActiveTenant | undefined;
  params: ViewParams;
  locale: string;
}

/**
 * Per request, never at build time: the caller as the signed-in user, the tenant named in the URL
 * (when the user belongs to it) else the switcher's, the window and workflow from the URL, and the
 * reader's locale for numbers.
 */
export async function viewContext(searchParams: Promise<Record<string, string | string[] | undefined>>): Promise<ViewContext> {
  await connection();
  const params = viewParams.parse(await searchParams);
  const { active, tenants } = await activeTenant();
  const tenant = tenants.find((t) => t.slug === params.tenant) ?? active;
  const lang = (await headers()).get("accept-language")?.split(",")[0]?.split(";")[0]?.trim();
  let locale = "en-US";
  try {
    if (lang) locale = Intl.NumberFormat.supportedLocalesOf([lang])[0] ?? locale;
  } catch {
    // A malformed header falls back to en-US.
  }
  return { caller: await serverCaller(), tenant, params, locale };
}

/** The query string of a view, for links that keep tenant, window and filters. */
export function viewQuery(p: Partial<ViewParams> & Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The window inputs of a procedure call. */
export function windowOf(p: ViewParams): { from?: string; to?: string } {
  return { ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}) };
}
