import { z } from "zod";
import type { Db } from "@/clickhouse/client";

export interface ModelPrice {
  /** US dollars per 1,000 input tokens. */
  input_per_1k: number;
  output_per_1k: number;
}

/**
 * Default list prices (USD per 1k tokens) from the providers' public price pages, late 2025. A tenant
 * overrides or extends them in `tenants.settings` as `{"model_prices": {"model": {"input_per_1k": …,
 * "output_per_1k": …}}}`; a model in neither list is reported as unpriced rather than costed at zero.
 */
export const DEFAULT_MODEL_PRICES: Record<string, ModelPrice> = {
  "gpt-4o": { input_per_1k: 0.0025, output_per_1k: 0.01 },
  "gpt-4o-mini": { input_per_1k: 0.00015, output_per_1k: 0.0006 },
  // Still called by older integrations (the demo's unapproved calls among them); priced so they are costed.
  "gpt-3.5-turbo": { input_per_1k: 0.0005, output_per_1k: 0.0015 },
  "gpt-4.1": { input_per_1k: 0.002, output_per_1k: 0.008 },
  "gpt-4.1-mini": { input_per_1k: 0.0004, output_per_1k: 0.0016 },
  "claude-sonnet-4": { input_per_1k: 0.003, output_per_1k: 0.015 },
  "claude-3-5-haiku": { input_per_1k: 0.0008, output_per_1k: 0.004 },
  "gemini-2.5-pro": { input_per_1k: 0.00125, output_per_1k: 0.01 },
  "gemini-2.5-flash": { input_per_1k: 0.0003, output_per_1k: 0.0025 },
};

const priceSchema = z.object({ input_per_1k: z.number().nonnegative(), output_per_1k: z.number().nonnegative() });
const tenantSettings = z.object({ model_prices: z.record(z.string(), priceSchema).optional() }).catch({});

/** The price table for a tenant: defaults, then the tenant's overrides (latest settings version). */
export async function modelPrices(db: Db, tenant: string): Promise<Record<string, ModelPrice>> {
  const rows = await db.query(
    "SELECT settings FROM tenants WHERE tenant_id = {tenant:String} ORDER BY updated_at DESC LIMIT 1",
    { tenant },
    z.object({ settings: z.string() }),
  );
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(rows[0]?.settings || "{}");
  } catch {
    parsed = {};
  }
  return { ...DEFAULT_MODEL_PRICES, ...(tenantSettings.parse(parsed).model_prices ?? {}) };
}
