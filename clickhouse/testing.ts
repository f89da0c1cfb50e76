import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Db } from "./client";
import { migrate } from "./migrate";
import { getStore, type StoreConfig } from "./store";

let ready: Promise<Db> | undefined;

/**
 * The test process's store, migrated once: embedded always, a server when CLICKHOUSE_URL is set (a
 * cluster when CLICKHOUSE_CLUSTER is set too).
 */
export function testDb(): Promise<Db> {
  ready ??= (async () => {
    const url = process.env.CLICKHOUSE_URL;
    const config: StoreConfig = url
      ? {
          kind: "server",
          url,
          username: process.env.CLICKHOUSE_USER ?? "default",
          password: process.env.CLICKHOUSE_PASSWORD ?? "",
          database: process.env.CLICKHOUSE_DATABASE ?? "default",
          cluster: process.env.CLICKHOUSE_CLUSTER,
        }
      : { kind: "embedded", dataDir: path.resolve(process.env.PLUMBLINE_DATA_DIR ?? "test-data/default") };
    const db = await getStore(config);
    // scripts/cluster-check.sh runs the suite against a cluster: the schema is then the cluster's.
    await migrate(db, { cluster: url ? process.env.CLICKHOUSE_CLUSTER : undefined });
    return db;
  })();
  return ready;
}

/** A fresh random tenant id per test: tests never truncate, they just never share a tenant. */
export function freshTenant(): string {
  return `t_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}
