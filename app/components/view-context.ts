import { headers } from "next/headers";
import { connection } from "next/server";
import { cache } from "react";
import { z } from "zod";
import { activeTenant, serverCaller, type ActiveTenant } from "@/app/trpc/server";
import { type DayWindow, isPreset, presetWindow, previousWindow, completeWindow, windowProblem } from "@/metrics/date-window";

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const text = (max: number) => z.preprocess(one, z.string().min(1).max(max).optional()).catch(undefined);

/**
 * What a dashboard URL may carry: every view is reproducible from its link. `from`/`to` are kept as
 * typed, so a malformed day is reported (metrics/date-window.ts) instead of silently ignored; `range`
 * names a preset, resolved on the day the page is viewed; `compare=1` asks for the previous period.
 */
export const viewParams = z.object({
  tenant: text(100),
  from: text(40),
  to: text(40),
  workflow: text(200),
  range: text(20),
  compare: text(5),
});
export type ViewParams = z.infer<typeof viewParams>;

/** The window a page shows, for the filter bar: what was refused and why, and the previous period. */
export interface WindowState {
  applied: DayWindow;
  problem?: string;
  previous?: DayWindow;
}

// Request-scoped (React cache): viewContext records the window, the filter bar rendered later reads it.
const windowHolder = cache((): { state?: WindowState } => ({}));
export const requestWindow = (): WindowState | undefined => windowHolder().state;

export type ServerCaller = Awaited<ReturnType<typeof serverCaller>>;

export interface ViewContext {
  caller: ServerCaller;
  tenant: ActiveTenant | undefined;
  /** With `from`/`to` as applied: a preset resolved, a refused range dropped (the default window). */
  params: ViewParams;
  locale: string;
  /** Set when the URL asks for a comparison: the period of equal length before the window. */
  previous?: DayWindow;
}

/**
 * Per request, never at build time: the caller as the signed-in user, the tenant named in the URL
 * (when the user belongs to it) else the switcher's, the window and workflow from the URL, and the
 * reader's locale for numbers.
 */
export async function viewContext(
  searchParams: Promise<Record<string, string | string[] | undefined>>,
  page: { workflow?: string } = {},
): Promise<ViewContext> {
  await connection();
  const raw = viewParams.parse(await searchParams);
  const { active, tenants } = await activeTenant();
  const tenant = tenants.find((t) => t.slug === raw.tenant) ?? active;
  const caller = await serverCaller();
  const { window, typed } = await resolveWindow(raw, async () => {
    if (!tenant) return null;
    const workflow = page.workflow ?? raw.workflow;
    const days = (await caller.workflows.list({ tenant: tenant.slug })).filter((w) => !workflow || w.workflow === workflow).flatMap((w) => (w.go_live_date ? [w.go_live_date] : []));
    return days.sort()[0] ?? null;
  });
  windowHolder().state = window;
  const params = { ...raw, from: typed.from, to: typed.to };
  const lang = (await headers()).get("accept-language")?.split(",")[0]?.split(";")[0]?.trim();
  let locale = "en-US";
  try {
    if (lang) locale = Intl.NumberFormat.supportedLocalesOf([lang])[0] ?? locale;
  } catch {
    // A malformed header falls back to en-US.
  }
  return { caller, tenant, params, locale, ...(window.previous ? { previous: window.previous } : {}) };
}

/** A preset on today's UTC day, else the URL's own days; a refused range falls back to the default window. */
async function resolveWindow(p: ViewParams, goLive: () => Promise<string | null>) {
  const now = new Date();
  let typed: { from?: string; to?: string } = { ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}) };
  let problem: string | undefined;
  if (isPreset(p.range)) {
    const w = presetWindow(p.range, now, p.range === "go-live" ? await goLive() : null);
    if ("error" in w) problem = w.error;
    else typed = w;
  }
  problem ??= windowProblem(typed, now);
  if (problem) typed = {};
  const applied = completeWindow(typed, now);
  const window: WindowState = { applied, ...(problem ? { problem } : {}), ...(p.compare === "1" ? { previous: previousWindow(applied) } : {}) };
  // `typed` stays empty for the default window, so procedures see the same input as before (cached results).
  return { window, typed };
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
