import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { createTenant } from "@/server/tenants";
import { execute, resolve } from "../run";
import { progressReporter } from "./import";

const FIXTURES = path.resolve(__dirname, "../../../ingest/baseline/fixtures");

async function cli(argv: string[]) {
  const inv = await resolve(argv);
  if ("help" in inv) throw new Error(inv.help);
  const db = await testDb();
  return execute(inv, { db, actor: "cli:tester", cwd: FIXTURES, progress: () => {}, remote: false });
}

async function tenant() {
  const slug = `b${freshTenant().slice(2, 12)}`;
  await createTenant(await testDb(), { slug });
  return slug;
}

describe("plumbline import", () => {
  it("previews, imports with --json, and adds nothing the second time", async () => {
    const slug = await tenant();
    const base = ["import", "bad-rows.csv", "--workflow", "intake", "--tenant", slug];
    const preview = await cli([...base, "--preview"]);
    expect(preview.text).toMatch(/line 3: missing timestamp/);
    const { result, text } = await cli([...base, "--json"]);
    expect(result).toMatchObject({ status: "imported", runs: 2, events: 4, skipped: 5, period: { from: "2024-02-01T09:00:00.000Z" } });
    expect(text).toMatch(/unparsable timestamp ×2 \(lines 4, 10\) e\.g\. "yesterday at noon"/);
    expect((await cli(base)).text).toMatch(/already imported .* nothing added/);
  });

  it("passes mapping, zone and system-resource options through and reports file errors as user errors", async () => {
    const slug = await tenant();
    const { result } = await cli(["import", "offsets.csv", "--workflow", "t", "--tenant", slug, "--timezone", "America/New_York", "--map", "ticket id=caseId"]);
    expect(result).toMatchObject({ runs: 2, period: { from: "2024-03-10T04:30:00.000Z" } });
    await expect(cli(["import", "empty.csv", "--workflow", "t", "--tenant", slug])).rejects.toMatchObject({ name: "CliError", message: "empty.csv: The file is empty" });
    await expect(cli(["import", "missing.csv", "--workflow", "t", "--tenant", slug])).rejects.toMatchObject({ name: "CliError", message: "missing.csv: no such file" });
    await expect(cli(["import", "offsets.csv", "--workflow", "t", "--tenant", slug, "--timezone", "Mars/Olympus"])).rejects.toThrow(/IANA/);
  });

  it("refuses a file whose dates fit both orders naming --date-order, and reads it in the order given", async () => {
    const slug = await tenant();
    const dir = mkdtempSync(path.join(tmpdir(), "plumbline-dates-"));
    const file = path.join(dir, "ambiguous.csv");
    writeFileSync(file, "case,activity,timestamp\nA,x,12/03/2025 09:00\nB,x,01/02/2025 09:00\n");
    const base = ["import", file, "--workflow", "dates", "--tenant", slug];
    await expect(cli(base)).rejects.toThrow(/ambiguous\.csv: Dates like "12\/03\/2025 09:00" fit both .*--date-order dmy/);
    await expect(cli([...base, "--date-order", "ydm"])).rejects.toThrow(/--date-order must be dmy .*, mdy .* or auto/);
    const { result, text } = await cli([...base, "--date-order", "dmy"]);
    expect(result).toMatchObject({ status: "imported", dateOrder: "dmy", period: { from: "2025-02-01T09:00:00.000Z", to: "2025-03-12T09:00:00.000Z" } });
    expect(text).toMatch(/Dates read day first \(--date-order dmy\)/);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports rows kept with an outcome it does not know", async () => {
    const slug = await tenant();
    const { text } = await cli(["import", "cases.csv", "--workflow", "tickets", "--tenant", slug]);
    expect(text).toMatch(/Kept with a notice: unrecognised outcome, kept as unknown ×1 \(lines 6\) e\.g\. "Maybe"/);
  });

  it("prints at most one progress line a second, with rows/s and an ETA", () => {
    const lines: string[] = [];
    let now = 0;
    const report = progressReporter("big.csv", (l) => lines.push(l), () => now);
    now = 500;
    report({ rows: 10_000, bytes: 1e6, totalBytes: 4e6 });
    now = 2000;
    report({ rows: 100_000, bytes: 2e6, totalBytes: 4e6 });
    expect(lines).toEqual(["importing big.csv: 100,000 rows, 2.0 MB of 4.0 MB (50%), ETA 2s, 50,000 rows/s"]);
  });
});

describe("plumbline baseline", () => {
  it("declares a time study, locks at go-live, refuses a silent change and shows the versions", async () => {
    const slug = await tenant();
    await cli(["import", "cases.csv", "--workflow", "tickets", "--tenant", slug]);
    const declared = await cli([
      "baseline", "declare", "--workflow", "tickets", "--tenant", slug, "--role", "agent=20,lead=5", "--runs-per-month", "300",
      "--exception-share", "0.08", "--method", "time study", "--author", "Sam", "--date", "2024-01-15",
    ]);
    expect(declared.text).toMatch(/25 min\/run/);
    const locked = await cli(["baseline", "lock", "--workflow", "tickets", "--go-live", "2024-02-01", "--tenant", slug, "--json"]);
    // INC-5 (outcome "Maybe") is a run of unknown outcome, so it counts for cycle time: 4 runs.
    expect(locked.result).toMatchObject({ changed: true, lock: { version: 1, n: 4, method: "measured" } });
    await expect(cli(["baseline", "lock", "--workflow", "tickets", "--go-live", "2024-03-01", "--tenant", slug])).rejects.toThrow(/needs a reason/);
    await cli(["baseline", "lock", "--workflow", "tickets", "--go-live", "2024-03-01", "--tenant", slug, "--reason", "go-live slipped a month"]);
    const shown = await cli(["baseline", "show", "--workflow", "tickets", "--tenant", slug]);
    expect(shown.result).toMatchObject({ goLiveDate: "2024-03-01", lock: { version: 2, reason: "go-live slipped a month" }, imports: [{ file_name: "cases.csv" }] });
    // Cycle hours 4, 48, 1.5, 1.5 by hand: the inclusive p50 of 1.5, 1.5, 4, 48 is 1.5 + 0.5 × 2.5 = 2.75.
    expect(shown.text).toMatch(/Locked baseline version 2 .*\n.*n 4, p50 2.75 h/);
    expect(shown.text).toMatch(/Earlier versions: 1 /);
  });
});
