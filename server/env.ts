import path from "node:path";
import { z } from "zod";
import type { StoreConfig } from "@/clickhouse/store";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PLUMBLINE_DATA_DIR: z.string().min(1).default("./data"),
  PLUMBLINE_DEMO: bool.default(true),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default("default"),
  CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  PLUMBLINE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Queries taking this many ms or more are logged to stderr (clickhouse/slow-query-log.ts); unset = none.
  PLUMBLINE_SLOW_QUERY_MS: z.coerce.number().int().min(0).optional(),
  // OTLP ingest (ingest/): the standard OTLP/HTTP port beside the dashboard (0 = off), the secret
  // subject-id hash keys derive from (generated into the data dir when embedded), writer limits.
  PLUMBLINE_OTLP_PORT: z.coerce.number().int().min(0).max(65535).default(4318),
  PLUMBLINE_SECRET: z.string().min(16).optional(),
  PLUMBLINE_INGEST_BATCH_ROWS: z.coerce.number().int().min(1).default(10_000),
  PLUMBLINE_INGEST_FLUSH_MS: z.coerce.number().int().min(1).default(250),
  PLUMBLINE_INGEST_LINGER_MS: z.coerce.number().int().min(0).default(150),
  PLUMBLINE_INGEST_MAX_QUEUED_ROWS: z.coerce.number().int().min(1).default(200_000),
  PLUMBLINE_INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  // Two: a flush answers its senders together and their next requests come back together, so the
  // engine idles while they are decoded; two threads halve that wait (bench:ingest in turns, 4 rounds).
  PLUMBLINE_INGEST_MAP_THREADS: z.coerce.number().int().min(0).max(8).default(2),
  // Sign-in (server/auth): AUTH_SECRET signs session JWTs; generated into the data dir when embedded.
  AUTH_SECRET: z.string().min(32).optional(),
  AUTH_URL: z.url().optional(),
  PLUMBLINE_ADMIN_EMAIL: z.email().optional(),
  PLUMBLINE_ADMIN_PASSWORD: z.string().min(12).optional(),
  PLUMBLINE_OIDC_ISSUER: z.url().optional(),
  PLUMBLINE_OIDC_CLIENT_ID: z.string().optional(),
  PLUMBLINE_OIDC_CLIENT_SECRET: z.string().optional(),
  PLUMBLINE_OIDC_NAME: z.string().default("Single sign-on"),
  PLUMBLINE_OIDC_TENANT: z.string().optional(),
  PLUMBLINE_OIDC_ROLE_CLAIM: z.string().optional(),
  PLUMBLINE_OIDC_DEFAULT_ROLE: z.enum(["admin", "executive", "ops", "engineer"]).optional(),
  // Reverse proxies whose X-Forwarded-For is believed (comma list of IPs/CIDRs); by default nobody's
  // is, and the client IP is the socket peer (server/auth/client-ip.ts).
  PLUMBLINE_TRUSTED_PROXIES: z.string().optional(),
  // Retention (server/retention.ts): live raw data and rollups, in days; below the minimum only when forced.
  PLUMBLINE_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(400),
  PLUMBLINE_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(1830),
  PLUMBLINE_RETENTION_FORCE: bool.default(false),
  // Where `plumbline backup` may write (server/backup.ts); fixed when the embedded store opens.
  PLUMBLINE_BACKUP_DIR: z.string().min(1).optional(),
  // Alerts and digests (server/alerts): the in-process evaluator, links in messages, SMTP for e-mail.
  PLUMBLINE_ALERTS: bool.default(true),
  PLUMBLINE_ALERTS_TICK_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  // The standalone evaluator does not migrate: how long it waits for the web process to (issue 28).
  PLUMBLINE_SCHEMA_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  PLUMBLINE_PUBLIC_URL: z.url().optional(),
  PLUMBLINE_DIGEST_WEEKDAY: z.coerce.number().int().min(0).max(6).default(1),
  PLUMBLINE_DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(8),
  // Internal hosts/CIDRs alert webhooks may reach (comma list); loopback, private and link-local
  // destinations are refused otherwise (server/alerts/webhook-address.ts).
  PLUMBLINE_WEBHOOK_ALLOW: z.string().optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().min(3).default("Plumbline <plumbline@localhost>"),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** The zod-validated environment; the only reader of process.env. Fails with every bad variable named. */
export function env(): Env {
  if (cached) return cached;
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = process.env[key];
    raw[key] = v === "" && key !== "CLICKHOUSE_PASSWORD" ? undefined : v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change variables between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function storeConfig(e: Env = env()): StoreConfig {
  if (e.CLICKHOUSE_URL) {
    return {
      kind: "server",
      url: e.CLICKHOUSE_URL,
      username: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      cluster: e.CLICKHOUSE_CLUSTER,
      slowQueryMs: e.PLUMBLINE_SLOW_QUERY_MS,
    };
  }
  // chDB fixes where BACKUP may write when the store opens (once per process): only the backup root.
  return { kind: "embedded", dataDir: path.resolve(e.PLUMBLINE_DATA_DIR), extraArgs: [`--backups.allowed_path=${backupRoot(e)}`], slowQueryMs: e.PLUMBLINE_SLOW_QUERY_MS };
}

/** Where `plumbline backup` writes (server/backup.ts): PLUMBLINE_BACKUP_DIR, else beside the data dir. */
export function backupRoot(e: Env = env()): string {
  return path.resolve(/*turbopackIgnore: true*/ e.PLUMBLINE_BACKUP_DIR ?? path.join(path.resolve(e.PLUMBLINE_DATA_DIR), "..", "plumbline-backups"));
}
