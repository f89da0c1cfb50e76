import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { appliedMigrations, loadMigrations } from "@/clickhouse/migrate";

export interface Health {
  status: "ok" | "degraded";
  store: Db["store"];
  clickhouseVersion: string;
  migrations: { applied: number; total: number; pending: string[]; latest: string | null };
  tenants: number;
}

/** Store health; `migrationFiles` is passed when the caller cannot read the migration folder (Next bundles). */
export async function health(db: Db, migrationFiles?: string[]): Promise<Health> {
  const [version] = await db.query("SELECT version() AS v", {}, z.object({ v: z.string() }));
  const applied = await appliedMigrations(db).catch(() => []);
  const files = migrationFiles ?? safeFiles() ?? applied.map((a) => a.file);
  const done = new Set(applied.map((a) => a.file));
  const pending = files.filter((f) => !done.has(f));
  const [tenants] = await db
    .query("SELECT uniqExact(tenant_id) AS n FROM tenants WHERE deleted = 0", {}, z.object({ n: z.coerce.number() }))
    .catch(() => [{ n: 0 }]);
  return {
    status: pending.length === 0 && applied.length > 0 ? "ok" : "degraded",
    store: db.store,
    clickhouseVersion: version?.v ?? "unknown",
    migrations: { applied: applied.length, total: files.length, pending, latest: applied.at(-1)?.file ?? null },
    tenants: tenants?.n ?? 0,
  };
}

function safeFiles(): string[] | undefined {
  try {
    return loadMigrations().map((m) => m.file);
  } catch {
    return undefined;
  }
}
