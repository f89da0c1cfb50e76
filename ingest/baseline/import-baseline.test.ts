import { createReadStream } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { ImportFileError } from "./baseline-event";
import { importBaseline } from "./import-baseline";
import { previewImport } from "./preview-import";
import { STAGE_BATCH } from "./stage-events";

const FIXTURES = path.join(__dirname, "fixtures");

const cycle = z.object({
  n: z.coerce.number(),
  p50: z.number(),
  p90: z.number(),
  mean: z.number(),
  max: z.number(),
});

const counted = z.object({ runs: z.coerce.number(), steps: z.coerce.number() });

async function counts(tenantId: string, workflow: string) {
  const db = await testDb();
  const [row] = await db.query(
    `SELECT (SELECT count() FROM runs WHERE tenant_id = {t:String} AND workflow = {w:String}) AS runs,
            (SELECT count() FROM steps WHERE tenant_id = {t:String} AND workflow = {w:String}) AS steps`,
    { t: tenantId, w: workflow },
    counted,
  );
  return row;
}

describe("importBaseline with the reference XES logs", () => {
  it("imports receipt.xes.gz as 1,434 runs whose cycle times match the reference figures", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const summary = await importBaseline(db, {
      tenantId,
      workflow: "receipt",
      source: path.join(FIXTURES, "receipt.xes.gz"),
      fileName: "receipt.xes.gz",
      actor: "test",
    });
    expect(summary).toMatchObject({ status: "imported", format: "xes", runs: 1434, events: 8577, skipped: 0 });
    const [stats] = await db.query(
      `SELECT count() AS n, quantileExactInclusive(0.5)(h) AS p50, quantileExactInclusive(0.9)(h) AS p90, avg(h) AS mean, max(h) AS max
       FROM (SELECT dateDiff('millisecond', start_time, end_time) / 3600000 AS h FROM runs FINAL
             WHERE tenant_id = {t:String} AND workflow = 'receipt' AND phase = 'baseline' AND origin = 'import')`,
      { t: tenantId },
      cycle,
    );
    expect(stats?.n).toBe(1434);
    expect(stats?.p50).toBeCloseTo(0.8, 2);
    expect(stats?.mean).toBeCloseTo(129.8, 1);
    expect(stats?.p90).toBeCloseTo(338.28, 1);
    expect(stats?.max).toBeCloseTo(6620.15, 1);
  });

  it("imports running-example.xes as 6 runs, one step per event", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const request = { tenantId, workflow: "textbook", source: path.join(FIXTURES, "running-example.xes"), fileName: "running-example.xes", actor: "test" };
    const summary = await importBaseline(db, request);
    expect(summary).toMatchObject({ status: "imported", runs: 6, events: 42, skipped: 0 });
    expect(await counts(tenantId, "textbook")).toEqual({ runs: 6, steps: 42 });
    const ids = await db.query(
      "SELECT uniqExact(span_id) AS n FROM steps WHERE tenant_id = {t:String} AND span_id != ''",
      { t: tenantId },
      z.object({ n: z.coerce.number() }),
    );
    expect(ids[0]?.n).toBe(42);
  });

  it("adds nothing when the same file is imported again, from a path or as a stream", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const file = path.join(FIXTURES, "receipt.xes.gz");
    const request = { tenantId, workflow: "receipt", source: file, fileName: "receipt.xes.gz", actor: "test" };
    const first = await importBaseline(db, request);
    const again = await importBaseline(db, request);
    const streamed = await importBaseline(db, { ...request, source: createReadStream(file) });
    expect(again).toMatchObject({ status: "already-imported", importId: first.importId, runs: 0, events: 0 });
    expect(streamed).toMatchObject({ status: "already-imported", importId: first.importId });
    expect(await counts(tenantId, "receipt")).toEqual({ runs: 1434, steps: 8577 });
    const staged = await db.query(
      "SELECT count() AS n FROM baseline_staging WHERE tenant_id = {t:String}",
      { t: tenantId },
      z.object({ n: z.coerce.number() }),
    );
    expect(staged[0]?.n).toBe(0);
  });
});

const n = z.object({ n: z.coerce.number() });

async function leftovers(tenantId: string) {
  const db = await testDb();
  const q = (table: string) => db.query(`SELECT count() AS n FROM ${table} WHERE tenant_id = {t:String}`, { t: tenantId }, n);
  const [runs, steps, staged, imports] = await Promise.all(["runs", "steps", "baseline_staging", "baseline_imports"].map(q));
  return { runs: runs?.[0]?.n, steps: steps?.[0]?.n, staged: staged?.[0]?.n, imports: imports?.[0]?.n };
}

const nothing = { runs: 0, steps: 0, staged: 0, imports: 0 };

describe("importBaseline with hand-written CSVs", () => {
  const request = (tenantId: string, file: string) => ({
    tenantId,
    workflow: "intake",
    source: path.join(FIXTURES, file),
    fileName: file,
    actor: "test",
  });

  it("keeps valid rows, counts a repeated row once and says which lines were skipped and why", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const summary = await importBaseline(db, request(tenantId, "bad-rows.csv"));
    expect(summary).toMatchObject({ status: "imported", runs: 2, events: 4, rowsRead: 9, skipped: 5 });
    expect(Object.fromEntries(summary.skippedReasons.map((r) => [r.reason, r.lines]))).toEqual({
      "unparsable timestamp": [4, 10],
      "missing timestamp": [3],
      "missing case id": [7],
      "duplicate row": [9],
    });
    expect(summary.period).toEqual({ from: "2024-02-01T09:00:00.000Z", to: "2024-02-02T10:00:00.000Z" });
  });

  it("counts the minutes of a repeated row once, on the steps rather than also on the run", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp,minutes\nC1,a,2024-01-01T09:00:00Z,10\nC1,a,2024-01-01T09:00:00Z,10\nC1,b,2024-01-01T10:00:00Z,5\n";
    await importBaseline(db, { ...request(tenantId, "repeat.csv"), source: Buffer.from(csv) });
    const rows = await db.query(
      `SELECT (SELECT any(human_minutes) FROM runs WHERE tenant_id = {t:String}) AS run_minutes,
              (SELECT sum(human_minutes) FROM steps WHERE tenant_id = {t:String}) AS step_minutes`,
      { t: tenantId },
      z.object({ run_minutes: z.number().nullable(), step_minutes: z.number() }),
    );
    expect(rows).toEqual([{ run_minutes: null, step_minutes: 15 }]);
  });

  it("turns start/complete pairs into steps with durations and marks system resources", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    await importBaseline(db, { ...request(tenantId, "lifecycle-pairs.csv"), options: { systemResources: "dms-robot" } });
    const steps = await db.query(
      `SELECT step, toString(actor) AS actor, dateDiff('minute', start_time, end_time) AS minutes FROM steps
       WHERE tenant_id = {t:String} ORDER BY start_time`,
      { t: tenantId },
      z.object({ step: z.string(), actor: z.string(), minutes: z.coerce.number() }),
    );
    expect(steps).toEqual([
      { step: "review", actor: "human", minutes: 45 },
      { step: "file", actor: "system", minutes: 1 },
      { step: "review", actor: "human", minutes: 30 },
    ]);
  });

  it("imports a case list with outcomes (unknown where unrecognised) and human minutes at run level", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    await importBaseline(db, request(tenantId, "cases.csv"));
    const runs = await db.query(
      `SELECT attributes['case.id'] AS id, toString(outcome) AS outcome, human_minutes, dateDiff('hour', start_time, end_time) AS hours
       FROM runs WHERE tenant_id = {t:String} ORDER BY id`,
      { t: tenantId },
      z.object({ id: z.string(), outcome: z.string(), human_minutes: z.number().nullable(), hours: z.coerce.number() }),
    );
    expect(runs).toEqual([
      { id: "INC-1", outcome: "completed", human_minutes: 45, hours: 4 },
      { id: "INC-2", outcome: "exception", human_minutes: 120, hours: 48 },
      { id: "INC-4", outcome: "cancelled", human_minutes: null, hours: 1 },
      { id: "INC-5", outcome: "unknown", human_minutes: 20, hours: 1 },
    ]);
  });

  it.each([
    ["empty.csv", /empty/],
    ["header-only.csv", /no data rows/],
    ["not-csv.png", /not text/],
  ])("rejects %s as a whole and leaves nothing behind", async (file, message) => {
    const db = await testDb();
    const tenantId = freshTenant();
    await expect(importBaseline(db, request(tenantId, file))).rejects.toThrow(message);
    expect(await leftovers(tenantId)).toEqual(nothing);
  });

  it("leaves nothing visible when the file breaks after some events were already staged", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const event = (i: number) =>
      `<event><string key="concept:name" value="a${i % 5}"/><date key="time:timestamp" value="2021-01-01T00:00:${String(i % 60).padStart(2, "0")}Z"/></event>`;
    const trace = (t: number) => `<trace><string key="concept:name" value="c${t}"/>${[0, 1, 2, 3, 4].map(event).join("")}</trace>`;
    const traces = Array.from({ length: (STAGE_BATCH + 5000) / 5 }, (_, t) => trace(t)).join("");
    const broken = Buffer.from(`<log>${traces}<trace><event></trace></log>`);
    async function* inChunks() {
      for (let at = 0; at < broken.length; at += 64 * 1024) yield broken.subarray(at, at + 64 * 1024);
    }
    let rowsSeen = 0;
    const err = await importBaseline(db, {
      ...request(tenantId, "broken.xes"),
      source: inChunks(),
      onProgress: (p) => (rowsSeen = p.rows),
    }).catch((e: unknown) => e);
    expect(rowsSeen).toBeGreaterThanOrEqual(STAGE_BATCH);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as Error).message).toMatch(/Not valid XML/);
    expect(await leftovers(tenantId)).toEqual(nothing);
  });
});

describe("previewImport", () => {
  it("shows the first rows as mapped and the problems, and writes nothing", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const preview = await previewImport(db, { tenantId, workflow: "intake", source: path.join(FIXTURES, "bad-rows.csv"), limit: 3 });
    expect(preview).toMatchObject({ format: "csv-events", scanned: 9, alreadyImported: false });
    expect(preview.mapping).toEqual({ caseId: "case", activity: "activity", timestamp: "timestamp" });
    expect(preview.rows.map((r) => [r.line, r.caseId, r.time])).toEqual([
      [2, "C1", "2024-02-01T09:00:00.000Z"],
      [5, "C2", "2024-02-02T09:00:00.000Z"],
      [6, "C2", "2024-02-02T10:00:00.000Z"],
    ]);
    expect(preview.problems.map((p) => p.line)).toEqual([3, 4, 7]);
    expect(await leftovers(tenantId)).toEqual(nothing);
  });

  it("says when the file was already imported", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const source = path.join(FIXTURES, "intake-events.csv");
    await importBaseline(db, { tenantId, workflow: "intake", source, fileName: "intake-events.csv", actor: "test" });
    expect((await previewImport(db, { tenantId, workflow: "intake", source })).alreadyImported).toBe(true);
  });
});
