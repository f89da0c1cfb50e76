import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "./commit";
import { type RowBatch, TABLE_OF } from "./rows";
import { NATIVE_COLUMNS, encodeNative } from "./native";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// Text a text format would have to escape, multi-byte UTF-8, a 200-byte value (two-byte length prefix).
const NASTY = ["tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N", "quote ' and \"", "nul\0byte", "ünïcødé ✓ 😀", "\\t literal", "", "é".repeat(100)];

const hourAgo = Date.now() - 3_600_000;

/** The same rows for one tenant, with every optional field left out in half of them. */
function batch(tenant: string): Required<RowBatch> {
  const day = new Date(hourAgo).toISOString().slice(0, 10);
  return {
    runs: NASTY.map((s, i) => ({
      tenant_id: tenant,
      workflow: `wf ${s}`,
      run_id: `run-${i}-${s}`,
      phase: "live" as const,
      start_time: i % 2 ? new Date(hourAgo + i) : hourAgo + i,
      end_time: hourAgo + 60_000 + i * 7,
      outcome: "exception" as const,
      ...(i % 2
        ? {}
        : { trace_id: `t${i}`, span_id: `s${i}`, exception_reason: s, subject_hash: s, human_minutes: i * 1.25, origin: "import", import_id: s, attributes: { [`k ${s}`]: s, plain: "v" } }),
    })),
    steps: NASTY.map((s, i) => ({
      tenant_id: tenant,
      run_id: `run-${i}`,
      span_id: `span-${i}`,
      step: `step ${s}`,
      phase: "baseline" as const,
      start_time: hourAgo + i,
      end_time: new Date(hourAgo + 1_500 + i),
      ...(i % 2
        ? {}
        : {
            workflow: s, trace_id: s, parent_span_id: s, actor: "ai" as const, status: "error" as const, human_minutes: 0.1 * i,
            intervention: 1 as const, intervention_reason: s, data_classification: s, resource: s, gen_ai_provider: s,
            request_model: s, response_model: s, model_version: s, prompt_version: s, input_tokens: 4_000_000_000 + i,
            output_tokens: i, output_id: s, confidence: i === 0 ? null : 0.5, review_required: 1 as const,
            review_outcome: "corrected" as const, review_output_id: s, origin: "demo", import_id: s, attributes: { [s]: `${s}${s}` },
          }),
    })),
    sourceSyncs: NASTY.map((s, i) => ({
      tenant_id: tenant,
      source: `src ${s}`,
      span_id: `sync-${i}`,
      start_time: hourAgo + i,
      end_time: hourAgo + 90_000,
      ...(i % 2 ? {} : { trace_id: s, status: "ok" as const, watermark: i === 4 ? null : hourAgo - 5, records: 10 ** 12 + i, invalid: i, origin: s }),
    })),
    dataAccess: NASTY.map((s, i) => ({
      tenant_id: tenant,
      event_id: `ev-${i}`,
      time: new Date(hourAgo + i),
      decision: "deny" as const,
      ...(i % 2 ? {} : { source: s, workflow: s, user_role: s, data_classification: s, trace_id: s, span_id: s, origin: s }),
    })),
    ingestStats: NASTY.map((s, i) => ({ tenant_id: tenant, day, channel: `ch ${s}`, accepted: i, rejected: 2 ** 40, ...(i % 2 ? {} : { source: s, reason: s }) })),
    businessPoints: NASTY.map((s, i) => ({
      tenant_id: tenant,
      measure: `m ${s}`,
      temporality: (["delta", "cumulative", "gauge"] as const)[i % 3]!,
      start_time: hourAgo - i,
      time: new Date(hourAgo + i),
      value: i === 3 ? -0.5 : 1e15 + i / 8,
      ...(i % 2 ? {} : { series: s, dimensions: { [`d ${s}`]: s }, origin: s, import_id: s }),
    })),
  };
}

const anyRow = z.record(z.string(), z.unknown());
async function readBack(table: string, tenant: string): Promise<Record<string, unknown>[]> {
  // ingest_stats has no insert time; every other table does, and it differs between the two inserts.
  const except = table === "ingest_stats" ? "tenant_id" : "tenant_id, ingested_at";
  const rows = await db.query(`SELECT * EXCEPT (${except}) FROM ${table} WHERE tenant_id = {t:String}`, { t: tenant }, anyRow);
  return rows.map((r) => JSON.stringify(r)).sort().map((r) => anyRow.parse(JSON.parse(r)));
}

describe("Native encoding of collector rows", () => {
  it("stores exactly what the JSON insert path stores, escapes and defaults included, for every table", async () => {
    const viaNative = freshTenant();
    const viaJson = freshTenant();
    await commitBatch(db, batch(viaNative));
    const reference = batch(viaJson);
    for (const [k, table] of Object.entries(TABLE_OF) as [keyof RowBatch, string][]) {
      await db.insert(table, reference[k] ?? []);
    }
    for (const table of Object.values(TABLE_OF)) {
      const got = await readBack(table, viaNative);
      const want = await readBack(table, viaJson);
      expect(got.length, table).toBe(NASTY.length);
      expect(got, table).toEqual(want);
    }
    // The escapes arrived as the characters they stand for.
    const runs = await db.query(`SELECT exception_reason AS r FROM runs WHERE tenant_id = {t:String} ORDER BY r`, { t: viaNative }, z.object({ r: z.string() }));
    expect(runs.map((r) => r.r).filter(Boolean).sort()).toEqual(NASTY.filter((_, i) => i % 2 === 0 && NASTY[i]).sort());
  });

  it("lists every column of each table but the insert time, in the table's order", async () => {
    for (const [k, table] of Object.entries(TABLE_OF) as [keyof RowBatch, string][]) {
      const cols = await db.query(
        `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {t:String} AND name != 'ingested_at' ORDER BY position`,
        { t: table },
        z.object({ name: z.string() }),
      );
      expect(NATIVE_COLUMNS[k].map(([name]) => name), table).toEqual(cols.map((c) => c.name));
    }
  });

  it("refuses a row without a required field, a non-finite number or an integer its column cannot hold, naming the column", () => {
    const run = { tenant_id: "t", workflow: "w", run_id: "r", phase: "live", start_time: 1, end_time: 2, outcome: "completed" };
    const step = { tenant_id: "t", run_id: "r", span_id: "s", step: "x", phase: "live", start_time: 1, end_time: 2 };
    expect(() => encodeNative("runs", [{ ...run, run_id: undefined }])).toThrow(/run_id is required/);
    expect(() => encodeNative("runs", [{ ...run, run_id: null }])).toThrow(/run_id is required/);
    expect(() => encodeNative("ingestStats", [{ tenant_id: "t", day: "2026-01-01", channel: "c", accepted: Number.NaN, rejected: 0 }])).toThrow(/accepted/);
    expect(() => encodeNative("runs", [{ ...run, start_time: new Date("x") }])).toThrow(/start_time: not a time/);
    expect(() => encodeNative("steps", [{ ...step, input_tokens: -1 }])).toThrow(/input_tokens: not a UInt32/);
    expect(() => encodeNative("steps", [{ ...step, input_tokens: 2 ** 32 }])).toThrow(/input_tokens/);
    expect(() => encodeNative("steps", [{ ...step, intervention: 0.5 }])).toThrow(/intervention: not a UInt8/);
    expect(() => encodeNative("steps", [{ ...step, human_minutes: "4" }])).toThrow(/human_minutes: not a finite number/);
    // A refused row leaves nothing behind for the next payload.
    expect(encodeNative("runs", [run]).equals(encodeNative("runs", [run]))).toBe(true);
  });

  it("reads each column by its name, whatever the order of a row's keys, its extra keys or its shape", () => {
    const rows = batch("t").steps;
    const reordered = rows.map((r) => ({ unknown_key: 1, ...Object.fromEntries(Object.entries(r).reverse()) }));
    expect(encodeNative("steps", reordered).equals(encodeNative("steps", rows))).toBe(true);
    // Rows of one shape, then rows of another: the values still land in their own columns.
    const a = encodeNative("steps", [...rows.filter((_, i) => i % 2), ...rows.filter((_, i) => i % 2 === 0)]);
    const b = encodeNative("steps", [...reordered.filter((_, i) => i % 2), ...rows.filter((_, i) => i % 2 === 0)]);
    expect(a.equals(b)).toBe(true);
    // A different value in one column changes the block.
    expect(encodeNative("steps", [{ ...rows[0], prompt_version: "v9" }, ...rows.slice(1)]).equals(encodeNative("steps", rows))).toBe(false);
  });

  it("stores a null in a column with a default as that default, and times far from 1970 to the millisecond", async () => {
    const tenant = freshTenant();
    const times = [Date.UTC(1969, 6, 20, 20, 17, 40, 123), -1, 0, Date.UTC(2106, 1, 7, 6, 28, 16, 1), Date.UTC(2262, 0, 1)];
    await commitBatch(db, {
      runs: times.map((t, i) => ({ tenant_id: tenant, workflow: "w", run_id: `r${i}`, phase: "baseline" as const, start_time: t, end_time: t + 1, outcome: "completed" as const })),
      ingestStats: [{ tenant_id: tenant, day: "2026-01-01", channel: "c", source: null as unknown as string, accepted: 1, rejected: 0 }],
    });
    const got = await db.query(
      `SELECT toString(toUnixTimestamp64Milli(start_time)) AS ms FROM runs WHERE tenant_id = {t:String} ORDER BY start_time`,
      { t: tenant },
      z.object({ ms: z.coerce.number() }),
    );
    expect(got.map((r) => r.ms)).toEqual([...times].sort((a, b) => a - b));
    const stats = await db.query(`SELECT source, accepted FROM ingest_stats WHERE tenant_id = {t:String}`, { t: tenant }, z.object({ source: z.string(), accepted: z.coerce.number() }));
    expect(stats).toEqual([{ source: "", accepted: 1 }]);
  });

  it("lets the engine refuse an unknown enum name or a malformed day, and stores nothing of that payload", async () => {
    const tenant = freshTenant();
    const run = { tenant_id: tenant, workflow: "w", run_id: "r", phase: "live" as const, start_time: 1_700_000_000_000, end_time: 1_700_000_001_000, outcome: "completed" as const };
    await expect(commitBatch(db, { runs: [run, { ...run, run_id: "r2", outcome: "maybe" as "completed" }] })).rejects.toThrow(/Insert into runs failed/);
    await expect(commitBatch(db, { ingestStats: [{ tenant_id: tenant, day: "not a day", channel: "c", accepted: 1, rejected: 0 }] })).rejects.toThrow(/Insert into ingest_stats failed/);
    const [n] = await db.query(
      `SELECT (SELECT count() FROM runs WHERE tenant_id = {t:String}) + (SELECT count() FROM ingest_stats WHERE tenant_id = {t:String}) AS n`,
      { t: tenant },
      z.object({ n: z.coerce.number() }),
    );
    expect(n?.n).toBe(0);
  });
});
