import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";

const row = z.object({
  at: z.string().transform(fromClickHouseTime),
  delivery_id: z.string(),
  attempt: z.coerce.number(),
  rule_id: z.string(),
  episode_id: z.string(),
  event: z.string(),
  channel: z.string(),
  target: z.string(),
  status: z.enum(["sent", "retrying", "failed", "dropped"]),
  http_status: z.coerce.number(),
  error: z.string(),
});
export type DeliveryAttempt = z.infer<typeof row>;

/** Delivery attempts, newest first: what the settings page and `plumbline alerts deliveries` show. */
export async function deliveryLog(
  db: Db,
  tenantId: string,
  /** `ruleIds`: only these rules' deliveries (a member's information barrier); omitted = every rule. */
  q: { ruleId?: string; ruleIds?: readonly string[]; episodeId?: string; limit?: number } = {},
): Promise<DeliveryAttempt[]> {
  return db.query(
    `SELECT toString(at) AS at, delivery_id, attempt, rule_id, episode_id, toString(event) AS event, toString(channel) AS channel,
            target, status, http_status, error
     FROM alert_deliveries
     WHERE tenant_id = {tenant:String} AND ({rule:String} = '' OR rule_id = {rule:String})
       AND ({episode:String} = '' OR episode_id = {episode:String})
       AND ({anyRule:UInt8} = 1 OR rule_id IN {rules:Array(String)})
     ORDER BY at DESC, attempt DESC LIMIT {limit:UInt32}`,
    {
      tenant: tenantId,
      rule: q.ruleId ?? "",
      episode: q.episodeId ?? "",
      anyRule: q.ruleIds ? 0 : 1,
      rules: [...(q.ruleIds ?? [])],
      limit: Math.min(q.limit ?? 100, 1000),
    },
    row,
  );
}
