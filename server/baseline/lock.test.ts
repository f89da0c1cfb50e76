import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { importBaseline } from "@/ingest/baseline/import-baseline";
import { pendingRevision } from "@/metrics/locked-baseline";
import { declareBaseline } from "./declared";
import { latestBaselineLock, lockBaseline } from "./lock";
import { getWorkflowSettings, setGoLive } from "./workflow-settings";

const FIXTURES = path.resolve(__dirname, "../../ingest/baseline/fixtures");

async function importCases(tenantId: string, workflow: string, source: string | Buffer, fileName = "cases.csv") {
  return importBaseline(await testDb(), { tenantId, workflow, source, fileName, actor: "test" });
}

const study = {
  minutesByRole: { paralegal: 40, attorney: 5 },
  runsPerMonth: 120,
  exceptionShare: 0.1,
  cycleHours: 30,
  method: "time study, 2 weeks",
  author: "Dana Reyes",
  studyDate: "2024-05-01",
};

async function auditDetails(tenantId: string, action: string) {
  const db = await testDb();
  const rows = await db.query(
    "SELECT detail FROM audit_log WHERE tenant_id = {t:String} AND action = {a:String} ORDER BY at",
    { t: tenantId, a: action },
    z.object({ detail: z.string() }),
  );
  return rows.map((r) => r.detail);
}

describe("baseline lock", () => {
  it("freezes n, percentiles, mean minutes and exception rate of the runs before go-live, with provenance", async () => {
    const db = await testDb();
    const t = freshTenant();
    const imported = await importCases(t, "tickets", path.join(FIXTURES, "cases.csv"));
    const { lock, settings } = await setGoLive(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "alice" });
    // Cases kept: INC-1 4 h (45 min, resolved), INC-2 48 h (120 min, escalated), INC-4 1.5 h (no minutes,
    // cancelled), INC-5 1.5 h (20 min, outcome "Maybe": unknown); INC-3 ends before it starts.
    // Sorted 1.5, 1.5, 4, 48: p50 = (1.5 + 4) / 2 = 2.75, p90 at h = 2.7: 4 + 0.7 × 44 = 34.8.
    expect(lock).toMatchObject({ version: 1, method: "measured", n: 4, p50_hours: 2.75, go_live_date: "2024-02-01", locked_by: "alice" });
    expect(lock.p90_hours).toBeCloseTo(34.8, 6);
    expect(lock.mean_hours).toBeCloseTo(55 / 4, 6);
    expect(lock.mean_human_minutes).toBeCloseTo(185 / 3, 6);
    // One exception (escalated) among the three runs whose outcome is known; INC-5's is not.
    expect(lock.exception_rate).toBeCloseTo(1 / 3, 6);
    expect(lock.provenance).toMatchObject({ imports: [{ import_id: imported.importId, file_name: "cases.csv" }], human_minutes_from: "measured" });
    expect(settings.go_live_date).toBe("2024-02-01");
  });

  it("holds after go-live: more baseline data changes nothing until a new version is created with a reason, which is audited", async () => {
    const db = await testDb();
    const t = freshTenant();
    await importCases(t, "tickets", path.join(FIXTURES, "cases.csv"));
    await setGoLive(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "alice" });
    const more = Buffer.from("case,start,end\nOLD-1,2023-11-01T09:00:00Z,2023-11-01T19:00:00Z\nOLD-2,2023-11-02T09:00:00Z,2023-11-02T10:00:00Z\n");
    await importCases(t, "tickets", more, "older.csv");
    expect(await latestBaselineLock(db, t, "tickets")).toMatchObject({ version: 1, n: 4, p50_hours: 2.75 });
    // The two older cases are a pending revision: shown, and cited by no comparison.
    expect(await pendingRevision(db, t, "tickets")).toEqual({ version: 1, runs: 2 });

    await expect(lockBaseline(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "bob" })).rejects.toThrow(/needs a reason/);
    await lockBaseline(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "bob", reason: "added the Q4 export" });
    expect(await latestBaselineLock(db, t, "tickets")).toMatchObject({ version: 2, n: 6, p50_hours: 2.75, reason: "added the Q4 export", locked_by: "bob" });
    expect(await pendingRevision(db, t, "tickets")).toEqual({ version: 2, runs: 0 });
    const details = await auditDetails(t, "baseline.lock");
    expect(details).toHaveLength(2);
    expect(details[1]).toMatch(/new version 2 replaces 1 .*n 4 → 6.*added the Q4 export/);
  });

  it("does nothing when the same go-live date is set again without a reason", async () => {
    const db = await testDb();
    const t = freshTenant();
    await importCases(t, "tickets", path.join(FIXTURES, "cases.csv"));
    await setGoLive(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "alice" });
    const again = await setGoLive(db, { tenantId: t, workflow: "tickets", goLiveDate: "2024-02-01", actor: "alice" });
    expect(again).toMatchObject({ changed: false, lock: { version: 1 } });
  });

  it("uses the declared time study when the workflow has no data", async () => {
    const db = await testDb();
    const t = freshTenant();
    const declared = await declareBaseline(db, t, "alice", { workflow: "intake", ...study });
    expect(declared.minutes_per_run).toBe(45);
    const { lock } = await setGoLive(db, { tenantId: t, workflow: "intake", goLiveDate: "2024-06-01", actor: "alice" });
    expect(lock).toMatchObject({ method: "declared", n: 0, mean_human_minutes: 45, exception_rate: 0.1, p50_hours: 30 });
    expect(lock.provenance).toMatchObject({ time_study: { author: "Dana Reyes", method: "time study, 2 weeks", runs_per_month: 120 } });
  });

  it("takes human minutes from the time study when the imported log records no effort", async () => {
    const db = await testDb();
    const t = freshTenant();
    await importCases(t, "filing", path.join(FIXTURES, "lifecycle-pairs.csv"), "lifecycle-pairs.csv");
    await declareBaseline(db, t, "alice", { workflow: "filing", ...study });
    const lock = await lockBaseline(db, { tenantId: t, workflow: "filing", goLiveDate: "2024-03-01", actor: "alice" });
    expect(lock).toMatchObject({ method: "measured", n: 1, mean_human_minutes: 45, provenance: { human_minutes_from: "declared" } });
  });

  it("refuses to lock a workflow with neither data nor a time study", async () => {
    const db = await testDb();
    await expect(setGoLive(db, { tenantId: freshTenant(), workflow: "nothing", goLiveDate: "2024-06-01", actor: "alice" })).rejects.toThrow(/No baseline for nothing/);
  });

  it("keeps the rest of the workflow's configuration when the go-live date is set", async () => {
    const db = await testDb();
    const t = freshTenant();
    await db.insert("workflows", [{ tenant_id: t, workflow: "intake", hourly_cost: 90, currency: "EUR", targets: '{"exception_rate":0.05}' }]);
    await declareBaseline(db, t, "alice", { workflow: "intake", ...study });
    await setGoLive(db, { tenantId: t, workflow: "intake", goLiveDate: "2024-06-01", actor: "alice" });
    expect(await getWorkflowSettings(db, t, "intake")).toMatchObject({
      go_live_date: "2024-06-01",
      hourly_cost: 90,
      currency: "EUR",
      targets: '{"exception_rate":0.05}',
      updated_by: "alice",
    });
    expect(await auditDetails(t, "workflow.setGoLive")).toEqual(["go-live unset → 2024-06-01; baseline version 1"]);
  });
});
