import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { loadAnomalyWorkflow } from "@/ingest/demo/anomaly-workflow";
import { runMetric } from "@/metrics/registry";
import { addDays, dayString, startOfUtcDay } from "@/metrics/scope";
import { anomalyMarkers } from "./anomaly-markers";

describe("anomaly markers", () => {
  it("mark the demo's bad week of records requests (10 to 4 days ago) and nothing else, and nothing outside the reader's barrier", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const today = startOfUtcDay(new Date());
    await loadAnomalyWorkflow(db, tenantId, today, 1);
    const markers = await anomalyMarkers(db, runMetric, { tenantId, workflows: null }, new Date());
    // The exception rate rose from 8% to 35% for that week: it fires within it (a day of the week that
    // happens to fall back inside the band ends one stretch and the next starts another), and nowhere else.
    const week = new Set(Array.from({ length: 7 }, (_, i) => dayString(addDays(today, -10 + i))));
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.every((m) => m.series === "exception-rate" && m.workflow === "records-requests" && week.has(m.date))).toBe(true);
    expect(await anomalyMarkers(db, runMetric, { tenantId, workflows: ["another-workflow"] }, new Date())).toEqual([]);
  });
});
