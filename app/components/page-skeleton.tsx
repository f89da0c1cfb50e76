import { TileSkeleton } from "./tile";

/**
 * The loading state of a dashboard view: the same header, filter bar and tile grid as the pages, so
 * the data replaces placeholders without moving anything.
 */
export function PageSkeleton({ what }: { what: string }) {
  return (
    <div aria-busy="true" aria-live="polite">
      <p className="sr-only">Loading {what}…</p>
      <div className="mb-6 h-14" />
      <div className="mb-4 h-12" />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => <TileSkeleton key={i} />)}
      </div>
      <div className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => <TileSkeleton key={i} />)}
      </div>
    </div>
  );
}
