import type { RunFilter } from "@/metrics/run-filter";

/**
 * The link from a number to the runs behind it: `/runs` with the filter that selects exactly what the
 * number counted, keeping the tenant. Every count on every page links through here.
 */
export function runsHref(tenant: string | undefined, filter: RunFilter): string {
  const q = new URLSearchParams();
  if (tenant) q.set("tenant", tenant);
  for (const [k, v] of Object.entries(filter)) {
    if (Array.isArray(v)) for (const one of v) q.append(k, String(one));
    else if (v !== undefined && v !== "") q.set(k, String(v));
  }
  return `/runs?${q.toString()}`;
}

/** The page of one run. */
export function runHref(tenant: string | undefined, workflow: string, runId: string): string {
  const q = new URLSearchParams();
  if (tenant) q.set("tenant", tenant);
  q.set("workflow", workflow);
  return `/runs/${encodeURIComponent(runId)}?${q.toString()}`;
}
