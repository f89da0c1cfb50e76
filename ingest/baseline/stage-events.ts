import type { Db } from "@/clickhouse/client";
import { maskText } from "../otlp/privacy";
import type { BaselineEvent } from "./baseline-event";

/** Rows per staging INSERT: large blocks insert fastest (DESIGN.md §5: 10k rows ≈ 180k rows/s). */
export const STAGE_BATCH = 20_000;

/** Parsed events waiting in `baseline_staging` until the whole file has been read (migration 0020). */
export class EventStager {
  private rows: object[] = [];
  staged = 0;

  constructor(
    private readonly db: Db,
    private readonly tenantId: string,
    readonly stagingId: string,
  ) {}

  /**
   * Event logs name people: a resource is often an e-mail address, and an activity or a role may hold a
   * phone number or an id. They get the masks OTLP free text gets (docs/conventions.md, "Privacy")
   * before anything is stored; the actor was classified from the raw resource already.
   */
  async add(e: BaselineEvent): Promise<void> {
    this.rows.push({
      tenant_id: this.tenantId,
      import_id: this.stagingId,
      case_id: e.caseId,
      activity: maskText(e.activity),
      time: e.time,
      end_time: e.endTime,
      lifecycle: e.lifecycle,
      resource: maskText(e.resource),
      role: maskText(e.role),
      actor: e.actor,
      human_minutes: e.humanMinutes,
      outcome: e.outcome,
      line: e.line,
    });
    if (this.rows.length >= STAGE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.db.insert("baseline_staging", rows);
    this.staged += rows.length;
  }

  /** Removes this attempt's rows, published or not; the table's TTL catches what a crash leaves. */
  async discard(): Promise<void> {
    this.rows = [];
    await this.db.command("DELETE FROM baseline_staging WHERE tenant_id = {tenant:String} AND import_id = {staging:String}", {
      tenant: this.tenantId,
      staging: this.stagingId,
    });
  }
}
