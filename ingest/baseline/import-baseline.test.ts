import { createReadStream } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { importBaseline } from "./import-baseline";

const DATA = path.resolve(__dirname, "../../../shared/data");

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
      source: path.join(DATA, "receipt.xes.gz"),
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
    const request = { tenantId, workflow: "textbook", source: path.join(DATA, "running-example.xes"), fileName: "running-example.xes", actor: "test" };
    const summary = await importBaseline(db, request);
    expect(summary).toMatchObject({ status: "imported", runs: 6, events: 42, skipped: 0 });
    expect(await counts(tenantId, "textbook")).toEqual({ runs: 6, steps: 42 });
  });

  it("adds nothing when the same file is imported again, from a path or as a stream", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const file = path.join(DATA, "receipt.xes.gz");
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
