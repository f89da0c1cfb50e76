import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { ExceptionRateResult } from "@/metrics/exception-rate";
import { openExceptionCounts } from "@/metrics/open-exception";
import { runMetric } from "@/metrics/registry";
import { runList } from "@/metrics/run-list";
import { addDays, scopeOf } from "@/metrics/scope";
import { otlpJson, postOtlp } from "./test-spans";
import { startTestReceiver } from "./test-receiver";

let db: Db;
let receiver: Awaited<ReturnType<typeof startTestReceiver>>;
const tenant = freshTenant();

beforeAll(async () => {
  db = await testDb();
  receiver = await startTestReceiver(db, tenant);
});
afterAll(async () => {
  await receiver.close();
});

const run = (id: string, phase: string, outcome = "completed") => ({
  name: "run",
  attributes: { "workflow.name": "intake", "workflow.run.id": id, "workflow.phase": phase, "workflow.outcome": outcome, "workflow.human.minutes": 30 },
});
const humanStep = (id: string, phase: string) => ({
  name: "draft",
  attributes: { "workflow.name": "intake", "workflow.run.id": id, "workflow.phase": phase, "workflow.step": "draft", "workflow.actor": "human", "workflow.intervention": "true" },
});

describe("the manual phase over OTLP", () => {
  it("is accepted and stored as `manual`, and counts as neither live nor baseline", async () => {
    // One live run and three manual ones, one of them an exception with an intervention step.
    const spans = [run("live-1", "live"), run("m-1", "manual"), run("m-2", "manual"), run("m-3", "manual", "exception"), humanStep("m-3", "manual")];
    const res = await postOtlp(receiver, otlpJson(spans));
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty("partialSuccess.rejectedSpans");

    const phases = await db.query(
      "SELECT toString(phase) AS phase, count() AS n FROM runs WHERE tenant_id = {t:String} GROUP BY phase ORDER BY phase",
      { t: tenant },
      z.object({ phase: z.string(), n: z.coerce.number() }),
    );
    expect(phases).toEqual([{ phase: "live", n: 1 }, { phase: "manual", n: 3 }]);

    // The live side holds the one live run; the baseline side none; the manual exception is no live exception.
    const window = { tenantId: tenant, from: addDays(new Date(), -2), to: new Date() };
    const live = (await runMetric(db, "exception-rate", { ...window, phase: "live" })) as ExceptionRateResult;
    expect(live.live.runs).toBe(1);
    expect(live.live.exception_runs).toBe(0);
    const baseline = (await runMetric(db, "exception-rate", { ...window, phase: "baseline" })) as ExceptionRateResult;
    expect(baseline.baseline.runs).toBe(0);
    const scope = scopeOf(window);
    const [open] = await openExceptionCounts(db, { params: scope.params, from: scope.from, to: scope.to, asOf: new Date() }, "pooled");
    expect(open?.open).toBe(0);

    // The runs explorer lists them only when asked for the manual phase.
    const who = { tenantId: tenant, workflows: null };
    const all = await runList(db, who, {}, { limit: 50 });
    expect(all.runs.map((r) => r.run_id)).toEqual(["live-1"]);
    const manual = await runList(db, who, { phase: "manual" }, { limit: 50 });
    expect(manual.runs.map((r) => r.run_id).sort()).toEqual(["m-1", "m-2", "m-3"]);
  });

  it("still refuses a phase that is not in the conventions", async () => {
    const res = await postOtlp(receiver, otlpJson([run("x-1", "parallel")]));
    const text = await res.text();
    const body = z.object({ partialSuccess: z.object({ rejectedSpans: z.string(), errorMessage: z.string() }) }).safeParse(JSON.parse(text));
    expect(body.success, text).toBe(true);
    expect(body.data?.partialSuccess.rejectedSpans).toBe("1");
    expect(body.data?.partialSuccess.errorMessage).toContain("workflow.phase");
  });
});
