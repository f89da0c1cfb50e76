import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "./commit";
import { type RowBatch, TABLE_OF } from "./rows";
import { TSV_COLUMNS, encodeTsv } from "./tsv";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// Text that TabSeparated must escape, and some that it must not touch.
const NASTY = ["tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N", "quote ' and \"", "nul\0byte", "ünïcødé ✓ 😀", "\\t literal", ""];

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
  };
}

const anyRow = z.record(z.string(), z.unknown());
async function readBack(table: string, tenant: string): Promise<Record<string, unknown>[]> {
  // ingest_stats has no insert time; every other table does, and it differs between the two inserts.
  const except = table === "ingest_stats" ? "tenant_id" : "tenant_id, ingested_at";
  const rows = await db.query(`SELECT * EXCEPT (${except}) FROM ${table} WHERE tenant_id = {t:String}`, { t: tenant }, anyRow);
  return rows.map((r) => JSON.stringify(r)).sort().map((r) => anyRow.parse(JSON.parse(r)));
}

describe("TabSeparated encoding of collector rows", () => {
  it("stores exactly what the JSON insert path stores, escapes and defaults included, for every table", async () => {
    const viaTsv = freshTenant();
    const viaJson = freshTenant();
    await commitBatch(db, batch(viaTsv));
    const reference = batch(viaJson);
    for (const [k, table] of Object.entries(TABLE_OF) as [keyof RowBatch, string][]) {
      await db.insert(table, reference[k] ?? []);
    }
    for (const table of Object.values(TABLE_OF)) {
      const got = await readBack(table, viaTsv);
      const want = await readBack(table, viaJson);
      expect(got.length, table).toBe(NASTY.length);
      expect(got, table).toEqual(want);
    }
    // The escapes arrived as the characters they stand for.
    const runs = await db.query(`SELECT exception_reason AS r FROM runs WHERE tenant_id = {t:String} ORDER BY r`, { t: viaTsv }, z.object({ r: z.string() }));
    expect(runs.map((r) => r.r).filter(Boolean).sort()).toEqual(NASTY.filter((_, i) => i % 2 === 0 && NASTY[i]).sort());
  });

  it("lists every column of each table but the insert time, in the table's order", async () => {
    for (const [k, table] of Object.entries(TABLE_OF) as [keyof RowBatch, string][]) {
      const cols = await db.query(
        `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {t:String} AND name != 'ingested_at' ORDER BY position`,
        { t: table },
        z.object({ name: z.string() }),
      );
      expect(TSV_COLUMNS[k].map(([name]) => name), table).toEqual(cols.map((c) => c.name));
    }
  });

  it("refuses a row without a required field or with a non-finite number, naming the column", () => {
    expect(() => encodeTsv("runs", [{ tenant_id: "t", workflow: "w", phase: "live", start_time: 1, end_time: 2, outcome: "completed" }])).toThrow(/run_id/);
    expect(() => encodeTsv("ingestStats", [{ tenant_id: "t", day: "2026-01-01", channel: "c", accepted: Number.NaN, rejected: 0 }])).toThrow(/accepted/);
    expect(() => encodeTsv("runs", [{ tenant_id: "t", workflow: "w", run_id: "r", phase: "live", start_time: new Date("x"), end_time: 2, outcome: "completed" }])).toThrow(/time/);
    expect(() => encodeTsv("runs", [{ tenant_id: "t", workflow: "w", run_id: null, phase: "live", start_time: 1, end_time: 2, outcome: "completed" }])).toThrow(/run_id/);
    // A null in a column with a default is that default, not the text "null".
    expect(encodeTsv("ingestStats", [{ tenant_id: "t", day: "2026-01-01", channel: "c", source: null, accepted: 1, rejected: 0 }])).toBe("t\t2026-01-01\tc\t\t\t1\t0\n");
  });
});
