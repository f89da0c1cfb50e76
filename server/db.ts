import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { MOMENT_MS, memoRead } from "@/clickhouse/read-memo";
import { getStore } from "@/clickhouse/store";
import { storeConfig } from "./env";

/** The process-wide store handle, opened on first use (never at module load or during `next build`). */
export function db(): Promise<Db> {
  return getStore(storeConfig());
}

/**
 * Whether the store answers a trivial query, as every page's banner asks. An answer serves the
 * requests of the next second: a page's probe queued behind the page's own queries on the store's
 * connections, and was often the last thing it waited for. A failure is never remembered, so an
 * outage shows on the next request.
 */
export async function storeAnswers(): Promise<void> {
  const d = await db();
  await memoRead(d, "store-probe", [], MOMENT_MS, () => d.query("SELECT 1 AS ok", {}, z.object({ ok: z.coerce.number() })));
}
