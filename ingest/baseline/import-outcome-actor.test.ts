import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { importBaseline } from "./import-baseline";

/** Issue 22, finding 6: what an imported log does not say stays unknown, and every log yields steps. */

const request = (tenantId: string, workflow: string, text: string, fileName: string) => ({
  tenantId,
  workflow,
  source: Buffer.from(text),
  fileName,
  actor: "test",
});

async function outcomes(tenantId: string) {
  const db = await testDb();
  return db.query(
    `SELECT attributes['case.id'] AS id, toString(outcome) AS outcome FROM runs FINAL WHERE tenant_id = {t:String} ORDER BY id`,
    { t: tenantId },
    z.object({ id: z.string(), outcome: z.string() }),
  );
}

const stepRow = z.object({
  run_id: z.string(),
  span_id: z.string(),
  step: z.string(),
  actor: z.string(),
  start: z.string(),
  end: z.string(),
  resource: z.string(),
  role: z.string(),
});

async function steps(tenantId: string) {
  const db = await testDb();
  return db.query(
    `SELECT run_id, span_id, step, toString(actor) AS actor, toString(start_time) AS start, toString(end_time) AS end, resource,
            attributes['org.role'] AS role
     FROM steps FINAL WHERE tenant_id = {t:String} ORDER BY start_time, step, span_id`,
    { t: tenantId },
    stepRow,
  );
}

describe("imported outcomes", () => {
  it("gives a run whose log states no outcome the outcome unknown, from CSV and from XES", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    await importBaseline(db, request(tenantId, "csv", "case,activity,timestamp\nC1,a,2024-01-01T09:00:00Z\nC1,b,2024-01-01T10:00:00Z\n", "no-outcome.csv"));
    const xes = `<log><trace><string key="concept:name" value="X1"/>
      <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T09:00:00Z"/></event></trace></log>`;
    await importBaseline(db, request(tenantId, "xes", xes, "no-outcome.xes"));
    expect(await outcomes(tenantId)).toEqual([
      { id: "C1", outcome: "unknown" },
      { id: "X1", outcome: "unknown" },
    ]);
  });

  it("maps an event log's outcome column onto its runs, the case's last stated value winning, and counts unrecognised values", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = [
      "case,activity,timestamp,outcome",
      "C1,open,2024-01-01T09:00:00Z,",
      "C1,close,2024-01-01T10:00:00Z,Completed",
      "C2,open,2024-01-01T09:00:00Z,In progress",
      "C2,close,2024-01-01T11:00:00Z,Escalated",
      "C3,open,2024-01-02T09:00:00Z,Cancelled",
      "C4,open,2024-01-02T09:00:00Z,failure",
      "C5,open,2024-01-03T09:00:00Z,Pending review",
      "C5,close,2024-01-03T09:30:00Z,",
      "C6,open,2024-01-03T09:00:00Z,",
    ].join("\n");
    const summary = await importBaseline(db, request(tenantId, "tickets", csv, "outcomes.csv"));
    expect(summary).toMatchObject({ status: "imported", runs: 6, events: 9, skipped: 0 });
    // Lines 4 ("In progress") and 8 ("Pending review") are kept, each with a notice.
    expect(summary.notices).toEqual([{ reason: "unrecognised outcome, kept as unknown", count: 2, lines: [4, 8], example: "In progress" }]);
    expect(summary.mapping).toMatchObject({ outcome: "outcome" });
    expect(await outcomes(tenantId)).toEqual([
      { id: "C1", outcome: "completed" },
      { id: "C2", outcome: "exception" },
      { id: "C3", outcome: "cancelled" },
      { id: "C4", outcome: "failed" },
      { id: "C5", outcome: "unknown" },
      { id: "C6", outcome: "unknown" },
    ]);
  });
});

describe("imported actors", () => {
  it("keeps a step without a usable resource unknown, never a system or a person", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp,resource\nC1,a,2024-01-01T09:00:00Z,\nC1,b,2024-01-01T09:01:00Z,NULL\nC1,c,2024-01-01T09:02:00Z,  \nC1,d,2024-01-01T09:03:00Z,n/a\nC1,e,2024-01-01T09:04:00Z,Ann\nC1,f,2024-01-01T09:05:00Z,SYSTEM\n";
    await importBaseline(db, { ...request(tenantId, "w", csv, "actors.csv"), options: { systemResources: "system" } });
    expect((await steps(tenantId)).map((s) => [s.step, s.actor])).toEqual([
      ["a", "unknown"],
      ["b", "unknown"],
      ["c", "unknown"],
      ["d", "unknown"],
      ["e", "human"],
      ["f", "system"],
    ]);
  });

  it("reads a Sepsis-shaped log (org:group, no org:resource) the same way as XES and as its CSV export", async () => {
    const db = await testDb();
    const [asXes, asCsv] = [freshTenant(), freshTenant()];
    const events = [
      ["A1", "ER Registration", "2014-10-22T11:15:41.000+02:00", "A"],
      ["A1", "Leucocytes", "2014-10-22T11:27:00.000+02:00", "B"],
      ["A1", "Release A", "2014-10-24T09:00:00.000+02:00", "E"],
      ["B2", "ER Registration", "2014-11-01T08:00:00.000+01:00", "A"],
      ["B2", "CRP", "2014-11-01T08:30:00.000+01:00", "B"],
    ];
    const trace = (id: string) =>
      `<trace><string key="concept:name" value="${id}"/>${events
        .filter((e) => e[0] === id)
        .map(([, a, t, g]) => `<event><string key="org:group" value="${g}"/><string key="lifecycle:transition" value="complete"/><string key="concept:name" value="${a}"/><date key="time:timestamp" value="${t}"/></event>`)
        .join("")}</trace>`;
    const xes = `<?xml version="1.0" encoding="UTF-8" ?><log xes.version="1.0">${trace("A1")}${trace("B2")}</log>`;
    const csv = ["case:concept:name,concept:name,time:timestamp,org:group,lifecycle:transition", ...events.map((e) => `${e.join(",")},complete`)].join("\n");
    await importBaseline(db, request(asXes, "sepsis", xes, "sepsis.xes"));
    await importBaseline(db, request(asCsv, "sepsis", csv, "sepsis.csv"));
    const fromXes = await steps(asXes);
    expect(fromXes).toHaveLength(5);
    expect(fromXes.every((s) => s.actor === "unknown" && s.resource === "")).toBe(true);
    expect(fromXes.map((s) => s.role)).toEqual(["A", "B", "E", "A", "B"]);
    expect(await steps(asCsv)).toEqual(fromXes);
    expect(await outcomes(asCsv)).toEqual(await outcomes(asXes));
  });
});

/** Two incidents shaped like BPIC 2013: the status is the activity, the sub-status the lifecycle. */
const BPIC_2013 = `<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="1-364285768"/>
    <event><string key="org:group" value="V30"/><string key="org:resource" value="Frederic"/><string key="concept:name" value="Accepted"/><string key="lifecycle:transition" value="In Progress"/><date key="time:timestamp" value="2010-03-31T16:59:42+02:00"/></event>
    <event><string key="org:group" value="V30"/><string key="org:resource" value="Frederic"/><string key="concept:name" value="Queued"/><string key="lifecycle:transition" value="Awaiting Assignment"/><date key="time:timestamp" value="2010-04-06T15:59:42+02:00"/></event>
    <event><string key="org:group" value="V13"/><string key="org:resource" value="Anne Claire"/><string key="concept:name" value="Accepted"/><string key="lifecycle:transition" value="Wait - User"/><date key="time:timestamp" value="2010-04-07T09:00:00+02:00"/></event>
    <event><string key="org:group" value="V13"/><string key="org:resource" value="Anne Claire"/><string key="concept:name" value="Completed"/><string key="lifecycle:transition" value="Resolved"/><date key="time:timestamp" value="2010-04-08T10:00:00+02:00"/></event>
    <event><string key="org:group" value="V13"/><string key="org:resource" value="Anne Claire"/><string key="concept:name" value="Completed"/><string key="lifecycle:transition" value="Closed"/><date key="time:timestamp" value="2010-04-08T10:05:00+02:00"/></event>
  </trace>
  <trace><string key="concept:name" value="1-109135791"/>
    <event><string key="org:group" value="G96"/><string key="org:resource" value="Siebel"/><string key="concept:name" value="Unmatched"/><string key="lifecycle:transition" value="Unmatched"/><date key="time:timestamp" value="2011-01-10T08:00:00+01:00"/></event>
    <event><string key="org:group" value="G96"/><string key="org:resource" value="Siebel"/><string key="concept:name" value="Queued"/><string key="lifecycle:transition" value="Awaiting Assignment"/><date key="time:timestamp" value="2011-01-10T08:05:00+01:00"/></event>
  </trace>
</log>`;

describe("lifecycle values", () => {
  it("makes every event of a BPIC-2013-shaped log a step, at the event's time", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const summary = await importBaseline(db, { ...request(tenantId, "incidents", BPIC_2013, "bpic2013.xes"), options: { systemResources: "siebel" } });
    expect(summary).toMatchObject({ runs: 2, events: 7, skipped: 0 });
    const got = await steps(tenantId);
    expect(got.map((s) => [s.step, s.actor, s.start, s.end])).toEqual([
      ["Accepted", "human", "2010-03-31 14:59:42.000", "2010-03-31 14:59:42.000"],
      ["Queued", "human", "2010-04-06 13:59:42.000", "2010-04-06 13:59:42.000"],
      ["Accepted", "human", "2010-04-07 07:00:00.000", "2010-04-07 07:00:00.000"],
      ["Completed", "human", "2010-04-08 08:00:00.000", "2010-04-08 08:00:00.000"],
      ["Completed", "human", "2010-04-08 08:05:00.000", "2010-04-08 08:05:00.000"],
      ["Unmatched", "system", "2011-01-10 07:00:00.000", "2011-01-10 07:00:00.000"],
      ["Queued", "system", "2011-01-10 07:05:00.000", "2011-01-10 07:05:00.000"],
    ]);
    expect(new Set(got.map((s) => s.span_id)).size).toBe(7);
  });

  it("pairs start with complete or an abort, and makes other transitions steps only where their activity never starts", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const ev = (activity: string, lifecycle: string, minute: number) =>
      `<event><string key="concept:name" value="${activity}"/><string key="lifecycle:transition" value="${lifecycle}"/><string key="org:resource" value="Ann"/><date key="time:timestamp" value="2024-05-01T09:${String(minute).padStart(2, "0")}:00Z"/></event>`;
    const xes = `<log><trace><string key="concept:name" value="S1"/>${[
      ev("review", "schedule", 0),
      ev("review", "assign", 1),
      ev("review", "start", 2),
      ev("review", "suspend", 5),
      ev("review", "resume", 7),
      ev("review", "complete", 12),
      ev("notify", "schedule", 13),
      ev("notify", "withdraw", 14),
      ev("check", "start", 20),
      ev("check", "ate_abort", 26),
    ].join("")}</trace></log>`;
    await importBaseline(db, request(tenantId, "standard", xes, "standard.xes"));
    // review: one step 09:02 → 09:12 (schedule, assign, suspend, resume mark time inside it);
    // notify never starts, so its two events are instant steps; check ends where it was aborted.
    expect((await steps(tenantId)).map((s) => [s.step, s.start.slice(11, 16), s.end.slice(11, 16)])).toEqual([
      ["review", "09:02", "09:12"],
      ["notify", "09:13", "09:13"],
      ["notify", "09:14", "09:14"],
      ["check", "09:20", "09:26"],
    ]);
  });
});
