import { describe, expect, it } from "vitest";
import { attributePolicy } from "./attribute-reader";
import type { Attributes, OtlpSpan } from "./decode";
import { logsToRows } from "./logs-to-rows";
import { maskText, tenantHasher } from "./privacy";
import { type MapContext, spansToRows } from "./spans-to-rows";

const NOW = Date.UTC(2026, 10, 20, 12);
const ctx = (allowed: string[] = []): MapContext => ({ tenantId: "t1", hash: tenantHasher("secret", "t1"), allows: attributePolicy(allowed), nowMs: NOW });
let id = 0;
function span(attributes: Attributes, over: Partial<OtlpSpan> = {}): OtlpSpan {
  id++;
  return {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: id.toString(16).padStart(16, "0"),
    parentSpanId: "",
    name: "s",
    startMs: NOW - 60_000,
    endMs: NOW,
    statusCode: 0,
    attributes,
    service: "svc",
    ...over,
  };
}

describe("mapping spans to rows", () => {
  it("keys a step by its workflow.run.id, else its trace id, even when its workflow is unknown", () => {
    const m = spansToRows([span({ "workflow.step": "a", "workflow.run.id": "r-7" }), span({ "workflow.step": "b" })], ctx());
    expect(m.batch.steps?.map((s) => [s.run_id, s.workflow])).toEqual([
      ["r-7", ""],
      ["0af7651916cd43dd8448eb211c80319c", ""],
    ]);
  });

  it("defaults a run's outcome from its span status", () => {
    const m = spansToRows([span({ "workflow.name": "w" }, { statusCode: 2 }), span({ "workflow.name": "w" })], ctx());
    expect(m.batch.runs?.map((r) => r.outcome)).toEqual(["failed", "completed"]);
  });

  it("rejects spans that break the conventions one by one and stores the rest", () => {
    const m = spansToRows(
      [
        span({ "workflow.name": "w" }),
        span({ "workflow.run.id": "r" }),
        span({ "workflow.name": "w" }, { endMs: NOW - 120_000 }),
        span({ "workflow.name": "w" }, { startMs: 0 }),
        span({ "workflow.name": "w" }, { endMs: NOW + 10 * 24 * 3600_000 }),
        span({ "workflow.step": "x", "workflow.actor": "robot" }),
        span({ "workflow.name": "w" }, { spanId: "" }),
        span({ "http.method": "GET" }),
      ],
      ctx(),
    );
    expect(m.accepted).toBe(1);
    expect(m.rejected).toBe(7);
    expect(m.errorMessage).toMatch(/missing_workflow_name/);
    expect(m.errorMessage).toMatch(/3 bad_timestamps/);
    expect(m.errorMessage).toMatch(/workflow.actor must be one of ai, human, system/);
    expect(m.batch.ingestStats).toContainEqual({ tenant_id: "t1", day: "2026-11-20", channel: "otlp-traces", source: "svc", reason: "", accepted: 1, rejected: 0 });
  });

  it("hashes subject ids per tenant and never stores them raw", () => {
    const a = spansToRows([span({ "workflow.name": "w", "workflow.subject.id": "patient-1" })], ctx()).batch.runs?.[0];
    const other = spansToRows([span({ "workflow.name": "w", "workflow.subject.id": "patient-1" })], { ...ctx(), tenantId: "t2", hash: tenantHasher("secret", "t2") }).batch.runs?.[0];
    expect(a?.subject_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.subject_hash).not.toBe(other?.subject_hash);
    expect(JSON.stringify(a)).not.toContain("patient-1");
  });

  it("drops attributes outside the conventions unless the tenant allows them, masking personal values", () => {
    const attrs = { "workflow.name": "w", "team.name": "intake", "http.url": "/x", "client.contact": "jane@example.com" };
    expect(spansToRows([span(attrs)], ctx()).batch.runs?.[0]?.attributes).toEqual({});
    expect(spansToRows([span(attrs)], ctx(["team.name", "client.*"])).batch.runs?.[0]?.attributes).toEqual({ "team.name": "intake", "client.contact": "[email]" });
  });

  it("replaces personal-looking run ids by a keyed hash so runs stay distinct", () => {
    const m = spansToRows([span({ "workflow.name": "w", "workflow.run.id": "jane@example.com" }), span({ "workflow.name": "w", "workflow.run.id": "bob@example.com" })], ctx());
    const ids = m.batch.runs?.map((r) => r.run_id) ?? [];
    expect(ids.every((i) => i.startsWith("h:"))).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });
});

describe("masking", () => {
  it("masks e-mail addresses, phone numbers and national ids but not run ids or dates", () => {
    expect(maskText("mail jane.doe@firm.co.uk now")).toBe("mail [email] now");
    expect(maskText("call +44 20 7946 0958")).toBe("call [phone]");
    expect(maskText("call (555) 123-4567")).toBe("call [phone]");
    expect(maskText("ssn 123-45-6789")).toBe("ssn [id]");
    expect(maskText("nino AB123456C")).toBe("nino [id]");
    expect(maskText("run-20261121-000123 on 2026-11-21")).toBe("run-20261121-000123 on 2026-11-21");
  });
});

describe("names that hold personal data", () => {
  it("refuse the span that would store them, each counted under its attribute, and only that span", () => {
    const m = spansToRows(
      [
        span({ "workflow.name": "intake", "workflow.step": "draft", "gen_ai.request.model": "gpt-4o 555-123-4567" }),
        span({ "workflow.name": 123456789 }),
        span({ "workflow.name": "intake", "gen_ai.request.model": "gpt-4o 555-123-4567" }),
        span({ "workflow.name": "intake", "workflow.step": "draft", "gen_ai.request.model": "gpt-4o-2024-08-06" }),
      ],
      ctx(),
    );
    // A model on a run span is not stored (runs have no model column), so it refuses nothing.
    expect(m.batch.runs?.map((r) => r.workflow)).toEqual(["intake"]);
    expect(m.batch.steps?.map((r) => r.request_model)).toEqual(["gpt-4o-2024-08-06"]);
    expect(m.batch.ingestStats?.filter((r) => r.rejected).map((r) => r.reason).sort()).toEqual(["personal-data:gen_ai.request.model", "personal-data:workflow.name"]);
    expect(m.errorMessage).not.toContain("555-123-4567");
    expect(m.errorMessage).not.toContain("123456789");
  });
});

describe("mapping log records to data-access events", () => {
  it("stores data.access events and rejects other records", () => {
    const base = { timeMs: NOW, traceId: "", spanId: "", eventName: "", service: "ehr" };
    const m = logsToRows(
      [
        { ...base, attributes: { "event.name": "data.access", "access.decision": "deny", "user.role": "paralegal", "data.classification": "phi" } },
        { ...base, eventName: "data.access", attributes: { "access.decision": "maybe" } },
        { ...base, attributes: { message: "hello" } },
      ],
      ctx(),
    );
    expect(m.batch.dataAccess).toHaveLength(1);
    expect(m.batch.dataAccess?.[0]).toMatchObject({ decision: "deny", user_role: "paralegal", data_classification: "phi" });
    expect(m.rejected).toBe(2);
  });
});
