import { storeAnswers } from "@/server/db";

/** How long a page waits on the store before it says so, instead of hanging. */
const PROBE_MS = 2000;

async function storeReachable(): Promise<boolean> {
  const probe = storeAnswers();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), PROBE_MS));
  return Promise.race([probe, timeout]).then(
    () => true,
    () => false,
  );
}

/**
 * A clear "store unavailable" state for every dashboard page: numbers are never shown as zeros when
 * ClickHouse cannot be reached. Plumbline recovers by itself when the store returns.
 */
export async function StoreBanner() {
  if (await storeReachable()) return null;
  return (
    <div role="alert" data-testid="store-unavailable" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
      <strong>The data store is unavailable.</strong> Figures on this page may be missing or out of date. Ingest answers
      senders with “retry later”, and nothing acknowledged is lost; this page recovers by itself when the store returns.
    </div>
  );
}
