import { createHash } from "node:crypto";
import type { DataAccessRow } from "../rows";
import { InvalidAttribute, reader } from "./attribute-reader";
import { CLASSIFICATIONS, DATA_ACCESS_EVENT, DECISIONS, attr } from "./conventions";
import type { OtlpLog } from "./decode";
import { personalLabel } from "./privacy";
import { Tally, personalData, utcDay } from "./rejections";
import type { Mapped, MapContext } from "./spans-to-rows";

const EARLIEST_MS = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600_000;
const clip = (s: string | undefined) => (s ?? "").slice(0, 200);
// The names a data-access event stores (privacy.ts): one that looks like personal data refuses the record.
const LABELS = [attr.sourceName, attr.workflowName, attr.userRole];

function personalLabelOf(l: OtlpLog): string | undefined {
  for (const name of LABELS) {
    const v = l.attributes[name];
    if (v !== undefined && personalLabel(typeof v === "string" ? v : String(v))) return name;
  }
  return undefined;
}

/** The event's identity, so a record delivered twice replaces itself in data_access_events. */
function eventId(l: OtlpLog): string {
  const keys = Object.keys(l.attributes).sort();
  const h = createHash("sha256").update(`${l.timeMs}|${l.traceId}|${l.spanId}|${l.service}`);
  for (const k of keys) h.update(`|${k}=${String(l.attributes[k])}`);
  return h.digest("hex").slice(0, 32);
}

/** Maps OTLP log records to data-access events (DESIGN.md §2); other records are rejected. */
export function logsToRows(logs: readonly OtlpLog[], ctx: MapContext): Mapped {
  const dataAccess: DataAccessRow[] = [];
  const tally = new Tally(ctx.tenantId, "otlp-logs", utcDay(ctx.nowMs));
  for (const l of logs) {
    const r = reader(l.attributes);
    const example = `log record at ${Number.isFinite(l.timeMs) ? l.timeMs : "?"} ms`;
    if ((l.eventName || r.str(attr.eventName)) !== DATA_ACCESS_EVENT) {
      tally.reject(l.service, "not_a_data_access_event", example);
      continue;
    }
    if (!(l.timeMs >= EARLIEST_MS && l.timeMs <= ctx.nowMs + FUTURE_SLACK_MS)) {
      tally.reject(l.service, "bad_timestamps", example);
      continue;
    }
    const personal = personalLabelOf(l);
    if (personal) {
      tally.reject(l.service, personalData(personal), example);
      continue;
    }
    try {
      const decision = r.oneOf(attr.accessDecision, DECISIONS);
      if (!decision) throw new InvalidAttribute(attr.accessDecision, "is required");
      dataAccess.push({
        tenant_id: ctx.tenantId,
        event_id: eventId(l),
        time: new Date(l.timeMs),
        source: clip(r.str(attr.sourceName)),
        workflow: clip(r.str(attr.workflowName)),
        user_role: clip(r.str(attr.userRole)),
        data_classification: r.oneOf(attr.dataClassification, CLASSIFICATIONS) ?? "",
        decision,
        trace_id: l.traceId.length === 32 ? l.traceId : "",
        span_id: l.spanId.length === 16 ? l.spanId : "",
        origin: "otlp",
      });
      tally.accept(l.service);
    } catch (err) {
      if (!(err instanceof InvalidAttribute)) throw err;
      tally.reject(l.service, "invalid_attribute", `${example} (${err.message})`);
    }
  }
  return {
    batch: { dataAccess, ingestStats: tally.rows() },
    accepted: tally.accepted,
    rejected: tally.rejected,
    errorMessage: tally.message("log records"),
  };
}
