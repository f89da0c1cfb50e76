"use client";

/** Shown when a view fails to load (most often: the data store is unreachable). */
export default function DashboardError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-6 text-sm text-amber-900">
      <h2 className="mb-1 text-base font-semibold">This view could not be loaded.</h2>
      <p className="mb-3">
        The data store may be unavailable. Nothing acknowledged is lost, and Plumbline reconnects by itself when the store
        returns. The cause has been logged on the server.
      </p>
      <button type="button" onClick={reset} className="rounded border border-amber-400 bg-white px-3 py-1 font-medium hover:bg-amber-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-500">
        Try again
      </button>
    </div>
  );
}
