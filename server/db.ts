import type { Db } from "@/clickhouse/client";
import { getStore } from "@/clickhouse/store";
import { storeConfig } from "./env";

/** The process-wide store handle, opened on first use (never at module load or during `next build`). */
export function db(): Promise<Db> {
  return getStore(storeConfig());
}
