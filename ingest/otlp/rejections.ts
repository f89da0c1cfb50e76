import type { IngestStatRow } from "../rows";
import { maskText } from "./privacy";

/** Why a span or log record was not stored; the codes are what ingest_stats.reason holds. */
export const REASONS = {
  not_a_workflow_span: "carries none of workflow.name, workflow.step, source.name (not a workflow span)",
  missing_workflow_name: "has workflow attributes but no workflow.name",
  invalid_ids: "has no valid trace id and span id",
  bad_timestamps: "has absurd timestamps (missing, end before start, far future or before 2000)",
  invalid_attribute: "has a convention attribute with an invalid value",
  not_a_data_access_event: "is not a data.access event (event.name)",
  unknown_metric_name: "is not a business measure (docs/conventions.md, \"Business metrics\")",
  unsupported_metric_kind: "is a histogram, exponential histogram or summary: business measures are sums or gauges",
  wrong_instrument: "has the wrong instrument for its measure: amounts are delta or cumulative sums, levels are gauges or up-down counters",
  invalid_value: "has no finite number as its value",
  invalid_dimensions: "lacks a required dimension or has an invalid one (currency, work.category, staff.seniority)",
} as const;
/**
 * A label attribute (privacy.ts) that looks like personal data: the attribute is named, the value never
 * (it would land in the sender's logs and in this answer).
 */
export type PersonalData = `personal-data:${string}`;
export type Reason = keyof typeof REASONS | PersonalData;

export const personalData = (attribute: string): PersonalData => `personal-data:${attribute}`;

function describe(reason: Reason): string {
  if (!reason.startsWith("personal-data:")) return REASONS[reason as keyof typeof REASONS];
  const attribute = reason.slice("personal-data:".length);
  return `${attribute} looks like personal data (e-mail, phone, national id, card, IBAN) and is a name, not free text; the value is not repeated`;
}

/**
 * Counts accepted and rejected items per source and reason, and writes the OTLP partial-success
 * message: which items were not stored and why, with an example of each.
 */
export class Tally {
  private readonly counts = new Map<string, { source: string; reason: string; accepted: number; rejected: number }>();
  private readonly examples = new Map<Reason, string>();
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly tenantId: string,
    private readonly channel: string,
    private readonly day: string,
  ) {}

  private bucket(source: string, reason: string) {
    const key = `${source}\u0000${reason}`;
    let b = this.counts.get(key);
    if (!b) this.counts.set(key, (b = { source, reason, accepted: 0, rejected: 0 }));
    return b;
  }

  accept(source: string): void {
    this.accepted++;
    this.bucket(source, "").accepted++;
  }

  reject(source: string, reason: Reason, example: string): void {
    this.rejected++;
    this.bucket(source, reason).rejected++;
    if (!this.examples.has(reason)) this.examples.set(reason, example);
  }

  rows(): IngestStatRow[] {
    return [...this.counts.values()].map((b) => ({
      tenant_id: this.tenantId,
      day: this.day,
      channel: this.channel,
      // service.name is the only resource attribute stored: a personal-looking one is kept masked
      // (`[email]-intake`), and the items it sent are judged on their own attributes.
      source: maskText(b.source).slice(0, 200),
      reason: b.reason,
      accepted: b.accepted,
      rejected: b.rejected,
    }));
  }

  message(unit: string): string {
    if (this.rejected === 0) return "";
    const parts = [...this.counts.values()]
      .filter((b) => b.rejected > 0)
      .reduce((m, b) => m.set(b.reason, (m.get(b.reason) ?? 0) + b.rejected), new Map<string, number>());
    const lines = [...parts].map(([reason, n]) => {
      const r = reason as Reason;
      return `${n} ${r}: ${describe(r)}, e.g. ${this.examples.get(r) ?? "?"}`;
    });
    return `${this.rejected} ${unit} not stored. ${lines.join("; ")}`.slice(0, 2000);
  }
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
