import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { importBaseline, type ImportRequest } from "./import-baseline";

/**
 * Issue 22, findings 3 and 7: a run and a step are the same whatever file they came in, and an import
 * is identified by its file AND the settings that decide what it stores.
 */

const FIXTURES = path.join(__dirname, "fixtures");

const base = (tenantId: string, source: Buffer | string, fileName: string): ImportRequest => ({ tenantId, workflow: "log", source, fileName, actor: "test" });

const n = z.object({ n: z.coerce.number() });

async function count(sql: string, tenantId: string): Promise<number> {
  const db = await testDb();
  const [row] = await db.query(sql, { t: tenantId }, n);
  return row?.n ?? -1;
}

const distinctRuns = (t: string) => count("SELECT uniqExact(run_id) AS n FROM runs WHERE tenant_id = {t:String}", t);
const distinctSteps = (t: string) => count("SELECT uniqExact(run_id, span_id) AS n FROM steps WHERE tenant_id = {t:String}", t);

async function stepIds(tenantId: string) {
  const db = await testDb();
  return db.query(
    `SELECT run_id, span_id, step, toString(actor) AS actor FROM steps FINAL WHERE tenant_id = {t:String} ORDER BY run_id, span_id`,
    { t: tenantId },
    z.object({ run_id: z.string(), span_id: z.string(), step: z.string(), actor: z.string() }),
  );
}

describe("content-derived run and step ids", () => {
  it("gives the same log as .xes.gz and as plain .xes the same runs and steps", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const gz = readFileSync(path.join(FIXTURES, "receipt.xes.gz"));
    const first = await importBaseline(db, base(tenantId, gz, "receipt.xes.gz"));
    const second = await importBaseline(db, base(tenantId, gunzipSync(gz), "receipt.xes"));
    // Two files (two checksums), so two imports; their rows are the same 1,434 runs and 8,577 steps.
    expect(second.status).toBe("imported");
    expect(second.importId).not.toBe(first.importId);
    expect(await distinctRuns(tenantId)).toBe(1434);
    expect(await distinctSteps(tenantId)).toBe(8577);
  });

  it("gives a log as CSV and as XES the same run and span ids", async () => {
    const db = await testDb();
    const [viaCsv, viaXes] = [freshTenant(), freshTenant()];
    const rows = [
      ["K1", "intake", "2024-04-02T08:00:00Z", "Ann", "5"],
      ["K1", "review", "2024-04-02T09:30:00Z", "Bob", "20"],
      ["K1", "review", "2024-04-03T09:30:00Z", "Bob", "10"],
      ["K2", "intake", "2024-04-02T08:10:00Z", "robot-7", ""],
    ];
    const csv = ["case,activity,timestamp,resource,minutes", ...rows.map((r) => r.join(","))].join("\n");
    const event = ([, a, t, r, m]: string[]) =>
      `<event><string key="concept:name" value="${a}"/><date key="time:timestamp" value="${t}"/><string key="org:resource" value="${r}"/>${m ? `<float key="workflow.human.minutes" value="${m}"/>` : ""}</event>`;
    const trace = (id: string) => `<trace><string key="concept:name" value="${id}"/>${rows.filter((r) => r[0] === id).map(event).join("")}</trace>`;
    const xes = `<log>${trace("K1")}${trace("K2")}</log>`;
    const options = { systemResources: "robot-\\d+" };
    await importBaseline(db, { ...base(viaCsv, Buffer.from(csv), "log.csv"), options });
    await importBaseline(db, { ...base(viaXes, Buffer.from(xes), "log.xes"), options });
    const fromCsv = await stepIds(viaCsv);
    expect(fromCsv).toHaveLength(4);
    expect(await stepIds(viaXes)).toEqual(fromCsv);
  });

  it("gives a case's steps the same span ids whether or not another case of the file has start events", async () => {
    const db = await testDb();
    const [alone, withPairs] = [freshTenant(), freshTenant()];
    const c1 = "C1,a,2024-02-01T09:00:00Z,complete\nC1,b,2024-02-01T10:00:00Z,complete\n";
    const c2 = "C2,a,2024-02-01T09:00:00Z,start\nC2,a,2024-02-01T09:20:00Z,complete\n";
    await importBaseline(db, base(alone, Buffer.from(`case,activity,timestamp,lifecycle\n${c1}`), "c1.csv"));
    await importBaseline(db, base(withPairs, Buffer.from(`case,activity,timestamp,lifecycle\n${c1}${c2}`), "c1c2.csv"));
    const c1Steps = await stepIds(alone);
    expect(c1Steps).toHaveLength(2);
    const both = await stepIds(withPairs);
    expect(both.filter((s) => s.run_id === c1Steps[0]?.run_id)).toEqual(c1Steps);
  });
});

describe("--system-resources", () => {
  it("matches whole resource names: 112 is not 11201", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp,resource\nC1,a,2024-01-01T09:00:00Z,112\nC1,b,2024-01-01T10:00:00Z,11201\nC1,c,2024-01-01T11:00:00Z,A112\n";
    await importBaseline(db, { ...base(tenantId, Buffer.from(csv), "r.csv"), options: { systemResources: "112" } });
    const actors = Object.fromEntries((await stepIds(tenantId)).map((s) => [s.step, s.actor]));
    expect(actors).toEqual({ a: "system", b: "human", c: "human" });
  });
});

describe("re-importing a file", () => {
  const csv = Buffer.from("case,activity,timestamp,resource\nC1,a,2024-01-01T09:00:00Z,112\nC1,b,2024-01-01T10:00:00Z,11201\n");
  const actors = async (tenantId: string) => Object.fromEntries((await stepIds(tenantId)).map((s) => [s.step, s.actor]));

  it("adds nothing with the same settings and reclassifies with other settings, replacing the steps", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const as = (systemResources: string) => importBaseline(db, { ...base(tenantId, csv, "r.csv"), options: { systemResources } });
    const first = await as("112");
    expect(await actors(tenantId)).toEqual({ a: "system", b: "human" });
    expect(await as("112")).toMatchObject({ status: "already-imported", importId: first.importId });
    const second = await as("112|11201");
    expect(second.status).toBe("imported");
    expect(await actors(tenantId)).toEqual({ a: "system", b: "system" });
    expect(await distinctSteps(tenantId)).toBe(2);
    // Back to the first settings: imported again (not dropped as a repeat of the first insert).
    expect((await as("112")).status).toBe("imported");
    expect(await actors(tenantId)).toEqual({ a: "system", b: "human" });
    expect(await as("112")).toMatchObject({ status: "already-imported" });
  });

  it("replaces the earlier reading's runs and steps when another date order moves them", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const ambiguous = Buffer.from("case,activity,timestamp\nA,x,12/03/2025 09:00\nA,y,12/03/2025 10:00\n");
    await importBaseline(db, { ...base(tenantId, ambiguous, "a.csv"), options: { dateOrder: "mdy" } });
    await importBaseline(db, { ...base(tenantId, ambiguous, "a.csv"), options: { dateOrder: "dmy" } });
    const rows = await db.query(
      `SELECT (SELECT groupArray(toString(toDate(start_time))) FROM runs FINAL WHERE tenant_id = {t:String}) AS runs,
              (SELECT count() FROM steps FINAL WHERE tenant_id = {t:String}) AS steps`,
      { t: tenantId },
      z.object({ runs: z.array(z.string()), steps: z.coerce.number() }),
    );
    // One case, two events, read day first: 12 March, not also 3 December.
    expect(rows).toEqual([{ runs: ["2025-03-12"], steps: 2 }]);
  });

  it("treats another date order or time zone as another import", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const plain = Buffer.from("case,activity,timestamp\nC1,a,2024-01-01 09:00\n");
    const first = await importBaseline(db, base(tenantId, plain, "p.csv"));
    expect((await importBaseline(db, { ...base(tenantId, plain, "p.csv"), options: { timeZone: "Europe/Amsterdam" } })).status).toBe("imported");
    expect((await importBaseline(db, { ...base(tenantId, plain, "p.csv"), options: { timeZone: "Europe/Amsterdam", dateOrder: "dmy" } })).status).toBe(
      "imported",
    );
    expect(first.status).toBe("imported");
  });
});
