import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { importBaseline, type ImportRequest } from "./import-baseline";

const FIXTURES = path.join(__dirname, "fixtures");

/** An event log with start/complete pairs, instant steps, repeated rows and unfinished steps over three months. */
function pairedLog(): Buffer {
  const lines = ["case,activity,timestamp,lifecycle,resource,minutes"];
  for (let c = 0; c < 30; c++) {
    const t0 = Date.UTC(2024, c % 3, 1 + c);
    const at = (minute: number) => new Date(t0 + minute * 60_000).toISOString();
    lines.push(`K${c},review,${at(0)},start,Ann,`, `K${c},review,${at(30 + c)},complete,Ann,${5 + (c % 4)}`);
    lines.push(`K${c},file,${at(40)},complete,dms-robot,`);
    if (c % 4 === 0) lines.push(`K${c},file,${at(40)},complete,dms-robot,`);
    if (c % 5 === 0) lines.push(`K${c},approve,${at(50)},start,Bob,`);
    lines.push(`K${c},review,${at(60)},start,Ann,`, `K${c},review,${at(75)},complete,,`);
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

/** The real store, counting the statements that publish steps and failing the `failAt`-th one that publishes runs. */
function watched(db: Db, failAt = 0): Db & { stepInserts: () => number } {
  let steps = 0;
  let runs = 0;
  return {
    ...db,
    stepInserts: () => steps,
    async command(sql, params) {
      if (/INSERT INTO steps/.test(sql)) steps += 1;
      if (/INSERT INTO runs/.test(sql) && ++runs === failAt) throw new Error("the process died while publishing");
      return db.command(sql, params);
    },
  };
}

const published = z.object({ row: z.string() });

/** Every published run and step of a tenant's workflow, minus what names the tenant or the moment. */
async function publishedRows(db: Db, tenantId: string, workflow: string) {
  const rows = (table: string, columns: string) =>
    db.query(
      `SELECT formatRowNoNewline('JSONEachRow', ${columns}) AS row FROM ${table}
       WHERE tenant_id = {t:String} AND workflow = {w:String} ORDER BY row`,
      { t: tenantId, w: workflow },
      published,
    );
  return {
    runs: (await rows("runs", "run_id, phase, start_time, end_time, outcome, human_minutes, origin, attributes")).map((r) => r.row),
    steps: (await rows("steps", "run_id, span_id, step, actor, phase, start_time, end_time, human_minutes, resource, origin, attributes")).map((r) => r.row),
  };
}

const dailyRuns = z.object({ runs: z.coerce.number() });

describe("publishing an import in buckets of cases", () => {
  const sources: [string, Pick<ImportRequest, "source" | "options">, number][] = [
    ["receipt.xes.gz, completions only", { source: path.join(FIXTURES, "receipt.xes.gz") }, 500],
    ["a log of start/complete pairs", { source: pairedLog(), options: { systemResources: "dms-robot" } }, 7],
    ["a case list", { source: path.join(FIXTURES, "cases.csv") }, 1],
  ];

  it.each(sources)("publishes %s as the same runs and steps as one bucket does", async (_name, file, bucketEvents) => {
    const db = await testDb();
    const request = (tenantId: string) => ({ ...file, tenantId, workflow: "intake", fileName: "log", actor: "test" });
    const [whole, cut] = [freshTenant(), freshTenant()];
    const counted = watched(db);
    const one = await importBaseline(db, request(whole));
    const many = await importBaseline(counted, { ...request(cut), bucketEvents });
    expect(counted.stepInserts()).toBeGreaterThan(2);
    const { importId: _a, ...oneSummary } = one;
    const { importId: _b, ...manySummary } = many;
    expect(manySummary).toEqual(oneSummary);
    const expected = await publishedRows(db, whole, "intake");
    expect(expected.runs.length).toBe(one.runs);
    expect(await publishedRows(db, cut, "intake")).toEqual(expected);
  });

  it("adds nothing twice when a publish dies between buckets and the file is imported again", async () => {
    const db = await testDb();
    const [whole, retried] = [freshTenant(), freshTenant()];
    const request = (tenantId: string) => ({
      tenantId,
      workflow: "receipt",
      source: path.join(FIXTURES, "receipt.xes.gz"),
      fileName: "receipt.xes.gz",
      actor: "test",
      bucketEvents: 1000,
    });
    await importBaseline(db, { ...request(whole), bucketEvents: undefined });
    await expect(importBaseline(watched(db, 3), request(retried))).rejects.toThrow(/died while publishing/);
    const again = await importBaseline(db, request(retried));
    expect(again).toMatchObject({ status: "imported", runs: 1434, events: 8577 });
    // Without FINAL: a block inserted twice would show here before any merge could hide it.
    expect(await publishedRows(db, retried, "receipt")).toEqual(await publishedRows(db, whole, "receipt"));
    const [daily] = await db.query(
      "SELECT count() AS runs FROM runs WHERE tenant_id = {t:String} AND workflow = 'receipt'",
      { t: retried },
      dailyRuns,
    );
    expect(daily?.runs).toBe(1434);
  });
});
