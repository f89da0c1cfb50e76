import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type BaselineEvent, ImportFileError, type ParseItem, type RowProblem } from "./baseline-event";
import { importOptions, type ImportOptions } from "./import-options";
import { parseBaseline } from "./parse-baseline";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name));

async function parse(bytes: Buffer, options: ImportOptions = {}) {
  const items: ParseItem[] = [];
  for await (const item of parseBaseline((async function* () { if (bytes.length) yield bytes; })(), importOptions.parse(options))) items.push(item);
  const events = items.flatMap((i) => (i.kind === "event" ? [i.event] : []));
  const problems = items.flatMap((i) => (i.kind === "problem" ? [i.problem] : []));
  const notices = items.flatMap((i) => (i.kind === "notice" ? [i.problem] : []));
  const mapping = items.flatMap((i) => (i.kind === "mapping" ? [i] : []))[0];
  return { events, problems, notices, mapping };
}

const times = (events: BaselineEvent[]) => events.map((e) => e.time.toISOString());
const lines = (problems: RowProblem[], reason: string) => problems.filter((p) => p.reason === reason).map((p) => p.line);

describe("parseBaseline on CSV", () => {
  it("detects case, activity, time, resource, role and minutes columns from common header names", async () => {
    const { events, mapping } = await parse(fixture("intake-events.csv"), { systemResources: ".*-bot" });
    expect(mapping).toMatchObject({
      format: "csv-events",
      mapping: { caseId: "Matter Number", activity: "Task", timestamp: "Completed At", resource: "Assignee", role: "Role", humanMinutes: "Minutes" },
    });
    expect(events).toHaveLength(6);
    expect(events[0]).toMatchObject({ line: 2, caseId: "M-1001", activity: "Intake form received", actor: "human", humanMinutes: 5, role: "paralegal" });
    expect(events[1]).toMatchObject({ resource: "conflict-bot", actor: "system" });
  });

  it("lets --map name a column the detection would not find", async () => {
    const csv = Buffer.from("Ref,What,When\nR1,open,2024-01-01T00:00:00Z\n");
    await expect(parse(csv)).rejects.toThrow(/No column found for caseId, activity, timestamp/);
    const { events } = await parse(csv, { mapping: { caseId: "Ref", activity: "What", timestamp: "When" } });
    expect(events[0]).toMatchObject({ caseId: "R1", activity: "open" });
  });

  it("strips a byte-order mark and sniffs a semicolon delimiter", async () => {
    const { events, mapping } = await parse(fixture("bom-semicolon.csv"));
    expect(mapping?.headers).toEqual(["case_id", "activity", "timestamp"]);
    expect(events.map((e) => e.caseId)).toEqual(["A", "A"]);
  });

  it("explains a wrong delimiter instead of importing one wide column", async () => {
    const err = await parse(fixture("bom-semicolon.csv"), { delimiter: "," }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as Error).message).toMatch(/line 1: .*single column.*delimiter/);
  });

  it("applies the configured time zone to local times and honours explicit offsets", async () => {
    const { events } = await parse(fixture("offsets.csv"), { timeZone: "America/New_York" });
    expect(times(events)).toEqual(["2024-03-10T04:30:00.000Z", "2024-03-10T07:30:00.000Z", "2024-06-01T07:00:00.000Z", "2024-06-01T09:00:00.000Z"]);
  });

  it("reports missing, unparsable and incomplete rows with their line numbers and keeps the valid ones", async () => {
    const { events, problems } = await parse(fixture("bad-rows.csv"));
    expect(events.map((e) => e.line)).toEqual([2, 5, 6, 8, 9]);
    expect(lines(problems, "missing timestamp")).toEqual([3]);
    expect(lines(problems, "unparsable timestamp")).toEqual([4, 10]);
    expect(lines(problems, "missing case id")).toEqual([7]);
    expect(problems.find((p) => p.line === 4)?.detail).toBe("yesterday at noon");
  });

  it("reads case lists with start, end, minutes and outcome, skipping impossible rows and keeping unrecognised outcomes as unknown", async () => {
    const { events, problems, notices, mapping } = await parse(fixture("cases.csv"));
    expect(mapping?.format).toBe("csv-cases");
    expect(events.map((e) => [e.caseId, e.outcome, e.humanMinutes])).toEqual([
      ["INC-1", "completed", 45],
      ["INC-2", "exception", 120],
      ["INC-4", "cancelled", null],
      ["INC-5", "unknown", 20],
    ]);
    expect(problems.map((p) => [p.line, p.reason])).toEqual([[4, "end before start"]]);
    expect(notices.map((p) => [p.line, p.reason, p.detail])).toEqual([[6, "unrecognised outcome, kept as unknown", "Maybe"]]);
  });

  it("rejects an empty file, a header without rows is left to the importer", async () => {
    await expect(parse(fixture("empty.csv"))).rejects.toThrow("The file is empty");
    expect((await parse(fixture("header-only.csv"))).events).toEqual([]);
  });

  it("rejects a file that is not CSV at all with a reason, not a crash", async () => {
    await expect(parse(fixture("not-csv.png"))).rejects.toThrow(/not text/);
    await expect(parse(fixture("not-csv.json"))).rejects.toThrow(/not readable as CSV|No column found/);
    await expect(parse(Buffer.from("<html><body>hi</body></html>"))).rejects.toThrow(/Not an XES log/);
  });
});
