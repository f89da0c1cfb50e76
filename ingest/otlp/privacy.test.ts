import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { exportTenant } from "@/server/tenant-admin/export-tenant";
import { createTenant } from "@/server/tenants";
import { startTestReceiver } from "./test-receiver";
import { type TestSpan, otlpJson, postOtlp } from "./test-spans";

/**
 * Issue 24's privacy acceptance: personal data sent in every stored field, through the real receiver
 * (and the OpenTelemetry SDK's exporter), is refused or masked, and a tenant export of everything
 * stored holds none of it.
 */

const V = {
  email: "jane.doe@firm.com",
  obfuscated: "jane(at)firm.com",
  usPhone: "1-800-555-0199",
  ukMobile: "07700 900123",
  ukLandline: "(020) 7946 0958",
  intl: "+44 20 7946 0958",
  ssn: "123-45-6789",
  ssnSpaced: "123 45 6789",
  ssnDotted: "123.45.6789",
  nino: "AB123456C",
  card: "4111 1111 1111 1111",
  iban: "GB82 WEST 1234 5698 7654 32",
};
const RAW = Object.values(V);
const ALL = RAW.join("; ");
const ALL_MASKED = "[email]; [email]; [phone]; [phone]; [phone]; [phone]; [id]; [id]; [id]; [id]; [card]; [iban]";
// A value may also be stored without its separators: search for those forms too.
const NEEDLES = [...RAW, ...RAW.map((v) => v.replace(/[^A-Za-z0-9@]/g, "")), "jane.doe", "firm.com"];

const notIn = (text: string) => NEEDLES.filter((n) => text.toLowerCase().includes(n.toLowerCase()));

// Each label with a span that stores it, carrying a different shape of personal data.
const LABEL_SPANS: [string, TestSpan][] = [
  ["workflow.name", { attributes: { "workflow.name": `intake for ${V.email}` } }],
  ["workflow.step", { attributes: { "workflow.name": "intake", "workflow.step": `call ${V.ukMobile}` } }],
  ["source.name", { attributes: { "source.name": `crm of ${V.obfuscated}` } }],
  ["gen_ai.provider.name", { attributes: { "workflow.step": "draft", "gen_ai.provider.name": V.usPhone } }],
  ["gen_ai.request.model", { attributes: { "workflow.step": "draft", "gen_ai.request.model": `gpt-4o ${V.ssn}` } }],
  ["gen_ai.response.model", { attributes: { "workflow.step": "draft", "gen_ai.response.model": V.ukLandline } }],
  ["ai.model.version", { attributes: { "workflow.step": "draft", "ai.model.version": V.nino } }],
  ["ai.prompt.version", { attributes: { "workflow.step": "draft", "ai.prompt.version": `v7 for ${V.iban}` } }],
];

let db: Db;
let tenant: { tenant_id: string; slug: string };
let r: Awaited<ReturnType<typeof startTestReceiver>>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "plumbline-privacy-"));

beforeAll(async () => {
  db = await testDb();
  tenant = await createTenant(db, { slug: `privacy-${randomUUID().slice(0, 8)}` });
  // Extras under client.* are kept, so the attributes map is exercised too.
  await db.insert("tenants", [
    { tenant_id: tenant.tenant_id, slug: tenant.slug, name: tenant.slug, settings: JSON.stringify({ allowed_attributes: ["client.*"] }), updated_at: new Date(Date.now() + 1000) },
  ]);
  r = await startTestReceiver(db, tenant.tenant_id);
});
afterAll(async () => {
  await r.close();
  rmSync(tmp, { recursive: true, force: true });
});

const partial = z.object({ partialSuccess: z.object({ rejectedSpans: z.string().optional(), rejectedLogRecords: z.string().optional(), errorMessage: z.string() }).optional() });

// A request is answered once its rows are committed: no wait is needed before reading them.
async function query<T extends z.ZodRawShape>(sql: string, shape: T) {
  return db.query(sql, { t: tenant.tenant_id }, z.object(shape));
}

describe("personal data in a name refuses its span", () => {
  it("names each attribute in the partial-success answer, never the value, and counts it in ingest_stats", async () => {
    // Each span's name holds personal data too: the answer quotes span names.
    const spans = LABEL_SPANS.map(([, s]) => ({ ...s, name: `step for ${V.card}` }));
    const res = await postOtlp(r, otlpJson(spans, "labels-svc"));
    expect(res.status).toBe(200);
    const answer = partial.parse(await res.json()).partialSuccess;
    expect(answer?.rejectedSpans).toBe(String(LABEL_SPANS.length));
    for (const [name] of LABEL_SPANS) expect(answer?.errorMessage).toContain(`personal-data:${name}`);
    expect(notIn(answer?.errorMessage ?? "")).toEqual([]);

    const stats = await query(
      "SELECT reason, sum(rejected) AS rejected FROM ingest_stats WHERE tenant_id = {t:String} AND source = 'labels-svc' GROUP BY reason ORDER BY reason",
      { reason: z.string(), rejected: z.coerce.number() },
    );
    expect(stats).toEqual(LABEL_SPANS.map(([name]) => ({ reason: `personal-data:${name}`, rejected: 1 })).sort((a, b) => a.reason.localeCompare(b.reason)));
  });

  it("refuses a data-access event whose user.role or source.name holds personal data", async () => {
    const log = (attrs: Record<string, string>) => ({
      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      eventName: "data.access",
      attributes: Object.entries({ "access.decision": "allow", ...attrs }).map(([key, v]) => ({ key, value: { stringValue: v } })),
    });
    const logs = [log({ "user.role": `paralegal ${V.ukMobile}` }), log({ "source.name": `dms ${V.ssnDotted}` }), log({ "user.role": "paralegal" })];
    const res = await postOtlp(r, JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: logs }] }] }), "/v1/logs");
    const answer = partial.parse(await res.json()).partialSuccess;
    expect(answer?.rejectedLogRecords).toBe("2");
    expect(answer?.errorMessage).toContain("personal-data:user.role");
    expect(answer?.errorMessage).toContain("personal-data:source.name");
    expect(notIn(answer?.errorMessage ?? "")).toEqual([]);
    const events = await query("SELECT user_role FROM data_access_events WHERE tenant_id = {t:String}", { user_role: z.string() });
    expect(events).toEqual([{ user_role: "paralegal" }]);
  });
});

describe("personal data in free text is masked", () => {
  it("masks reasons and kept extras, hashes ids and subjects, and keeps the spans", async () => {
    const run: TestSpan = {
      attributes: {
        "workflow.name": "intake-ok",
        "workflow.run.id": `case of ${V.email}`,
        "workflow.subject.id": V.ssn,
        "workflow.outcome": "exception",
        "workflow.exception.reason": ALL,
        "client.note": ALL,
        // The key is the sender's to choose under client.*: "client.jane.doe" reads as the address's name.
        [`client.${V.email}`]: "kept",
        "team.contact": V.email,
      },
    };
    const step: TestSpan = {
      attributes: { "workflow.name": "intake-ok", "workflow.step": "review", "workflow.intervention": "true", "workflow.intervention.reason": ALL, "ai.output.id": V.card },
    };
    const res = await postOtlp(r, otlpJson([run, step], "free-text-svc"));
    expect(partial.parse(await res.json()).partialSuccess).toBeUndefined();

    const runs = await query("SELECT run_id, exception_reason, subject_hash, attributes FROM runs WHERE tenant_id = {t:String} AND workflow = 'intake-ok'", {
      run_id: z.string(),
      exception_reason: z.string(),
      subject_hash: z.string(),
      attributes: z.record(z.string(), z.string()),
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ exception_reason: ALL_MASKED, attributes: { "client.note": ALL_MASKED, "[email]": "kept" } });
    expect(runs[0]?.run_id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(runs[0]?.subject_hash).toMatch(/^[0-9a-f]{32}$/);
    const steps = await query("SELECT intervention_reason, output_id FROM steps WHERE tenant_id = {t:String} AND step = 'review'", {
      intervention_reason: z.string(),
      output_id: z.string(),
    });
    expect(steps).toEqual([{ intervention_reason: ALL_MASKED, output_id: expect.stringMatching(/^h:[0-9a-f]{32}$/) }]);
  });

  it("stores a personal-looking service.name masked in ingest_stats, and keeps its spans", async () => {
    const res = await postOtlp(r, otlpJson([{ attributes: { "workflow.name": "service-check" } }], `intake ${V.email}`));
    expect(partial.parse(await res.json()).partialSuccess).toBeUndefined();
    const stats = await query("SELECT source, sum(accepted) AS accepted FROM ingest_stats WHERE tenant_id = {t:String} AND source LIKE 'intake %' GROUP BY source", {
      source: z.string(),
      accepted: z.coerce.number(),
    });
    expect(stats).toEqual([{ source: "intake [email]", accepted: 1 }]);
  });

  it("refuses and masks what the OpenTelemetry SDK's exporter sends", async () => {
    const exporter = new OTLPTraceExporter({ url: `${r.url}/v1/traces`, headers: { Authorization: `Bearer ${r.key}` } });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": `billing ${V.intl}` }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer("privacy-test");
    tracer.startSpan("call", { attributes: { "workflow.name": "sdk-run", "workflow.step": `call ${V.usPhone}` } }).end();
    tracer.startSpan("run", { attributes: { "workflow.name": "sdk-run", "workflow.outcome": "exception", "workflow.exception.reason": `client ${V.obfuscated} unreachable` } }).end();
    await provider.forceFlush();
    await provider.shutdown();

    const stats = await query("SELECT source, reason, sum(accepted) AS accepted, sum(rejected) AS rejected FROM ingest_stats WHERE tenant_id = {t:String} AND source LIKE 'billing %' GROUP BY source, reason ORDER BY reason", {
      source: z.string(),
      reason: z.string(),
      accepted: z.coerce.number(),
      rejected: z.coerce.number(),
    });
    expect(stats).toEqual([
      { source: "billing [phone]", reason: "", accepted: 1, rejected: 0 },
      { source: "billing [phone]", reason: "personal-data:workflow.step", accepted: 0, rejected: 1 },
    ]);
    const runs = await query("SELECT exception_reason FROM runs WHERE tenant_id = {t:String} AND workflow = 'sdk-run'", { exception_reason: z.string() });
    expect(runs).toEqual([{ exception_reason: "client [email] unreachable" }]);
  });
});

describe("nothing else holds the values", () => {
  it("has no materialized view that could copy a value into another table: the only views copy run keys", async () => {
    const views = await db.query(
      "SELECT name, as_select FROM system.tables WHERE database = currentDatabase() AND (engine = 'MaterializedView' OR name LIKE '%\\_daily%')",
      {},
      z.object({ name: z.string(), as_select: z.string() }),
    );
    // The run-facts marks (migration 0250): a run's key, stored masked in runs and steps already.
    const keysOnly = /^SELECT DISTINCT tenant_id, workflow, toString\(phase\) AS phase, run_id, toDate\(start_time\) AS day FROM \w+\.(runs|steps)$/;
    expect(views.map((v) => v.name).sort()).toEqual(["run_facts_dirty_runs_mv", "run_facts_dirty_steps_mv"]);
    for (const v of views) expect(v.as_select).toMatch(keysOnly);
  });

  it("exports the tenant's every table without one of the values", async () => {
    const dir = path.join(tmp, "export");
    await exportTenant(db, tenant.slug, dir, "privacy-test");
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(["runs.jsonl", "steps.jsonl", "ingest_stats.jsonl", "data_access_events.jsonl"]));
    const found = files.flatMap((f) => notIn(readFileSync(path.join(dir, f), "utf8")).map((n) => `${f}: ${n}`));
    expect(found).toEqual([]);
    // The export holds what the tests above stored, so the search had something to miss.
    const runs = readFileSync(path.join(dir, "runs.jsonl"), "utf8");
    expect(runs).toContain("[email]");
    expect(runs).toContain("[iban]");
  });
});
