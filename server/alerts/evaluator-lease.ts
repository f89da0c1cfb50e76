import { z } from "zod";
import type { Db } from "@/clickhouse/client";

const row = z.object({ holder: z.string(), at_ms: z.coerce.number() });

/**
 * A heartbeat lease between evaluator processes. ClickHouse has no compare-and-set, so two processes
 * starting together may both hold it for one tick; the newest heartbeat (ties broken by holder name)
 * then decides and the other stands by. Episode ids are deterministic, so even that overlap cannot
 * open an episode twice; at worst one notification is sent twice.
 */
export class EvaluatorLease {
  constructor(
    private readonly db: Db,
    readonly holder: string,
    /** A holder silent for longer than this is considered gone. */
    private readonly ttlMs: number,
  ) {}

  /** True when this process should evaluate now; renews the heartbeat when it does. */
  async acquire(now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT holder, toUnixTimestamp64Milli(at) AS at_ms FROM alert_evaluator_leases
       WHERE lease = 'evaluator' AND at >= {since:DateTime64(3)} ORDER BY at DESC, holder DESC LIMIT 1`,
      { since: new Date(now.getTime() - this.ttlMs) },
      row,
    );
    const current = rows[0];
    if (current && current.holder !== this.holder) return false;
    await this.db.insert("alert_evaluator_leases", [{ lease: "evaluator", holder: this.holder, at: now }]);
    return true;
  }

  /** Lets a standby take over at once after a clean shutdown. */
  async release(): Promise<void> {
    await this.db.command("DELETE FROM alert_evaluator_leases WHERE lease = 'evaluator' AND holder = {holder:String}", { holder: this.holder });
  }
}
