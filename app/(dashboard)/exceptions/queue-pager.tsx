import Link from "next/link";

/** Forward pages by cursor, and the way back to the first page; the rest of the URL (tenant, window, filters) is kept. */
export function QueuePager({ query, next, paged }: { query: Record<string, string>; next: string | null; paged: boolean }) {
  const href = (after?: string) => `/exceptions?${new URLSearchParams({ ...query, ...(after ? { after } : {}) }).toString()}`;
  const link = "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";
  if (!next && !paged) return null;
  return (
    <nav aria-label="Queue pages" className="mt-3 flex gap-2" data-testid="queue-pager">
      {paged ? <Link href={href()} prefetch={false} className={link}>First page</Link> : null}
      {next ? <Link href={href(next)} prefetch={false} className={link} rel="next">Next page</Link> : null}
    </nav>
  );
}
