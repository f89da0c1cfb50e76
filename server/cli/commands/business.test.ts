import { mkdtempSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { addMonths } from "@/metrics/business-months";
import { createTenant } from "@/server/tenants";
import { CliError, type CommandContext } from "../command";
import { businessImport, businessLockYear, businessOutcomesCommand } from "./business";

let db: Db;
let ctx: CommandContext;
beforeAll(async () => {
  db = await testDb();
  ctx = { db, actor: "cli:test", cwd: mkdtempSync(path.join(tmpdir(), "business-cli-")), progress: () => undefined, remote: true };
});

const G = addMonths(new Date().toISOString().slice(0, 7), -4);
const m = (n: number) => addMonths(G, n);

describe("plumbline business", () => {
  it("imports a monthly file (audited), locks the year, and reports an outcome against the same months", async () => {
    const t = await createTenant(db, { slug: `biz-${randomUUID().slice(0, 8)}` });
    await db.insert("workflows", [{ tenant_id: t.tenant_id, workflow: "intake", go_live_date: `${G}-01`, updated_by: "cli:test" }]);
    const lines = ["period,measure,value"];
    for (const i of [0, 1, 2]) lines.push(`${m(i - 12)},business.intake.prospects,200`, `${m(i - 12)},business.intake.converted,50`);
    for (const i of [0, 1, 2]) lines.push(`${m(i)},business.intake.prospects,200`, `${m(i)},business.intake.converted,70`);
    lines.push(`${m(0)},business.intake.converted,1`);
    const file = path.join(ctx.cwd, "figures.csv");
    writeFileSync(file, lines.join("\n"));

    const preview = await businessImport.run(ctx, { positionals: [file], values: { tenant: t.slug, preview: true } });
    expect(preview).toMatchObject({ status: "preview", figures: 12, skippedCount: 1 });
    const s = await businessImport.run(ctx, { positionals: [file], values: { tenant: t.slug } });
    expect(businessImport.format(s)).toMatch(/duplicate_period ×1 \(lines 14\)/);
    const audit = await db.query(`SELECT action, result FROM audit_log WHERE tenant_id = {t:String}`, { t: t.tenant_id }, z.object({ action: z.string(), result: z.string() }));
    expect(audit).toContainEqual({ action: "business.import", result: "ok" });

    expect(await businessLockYear.run(ctx, { positionals: [], values: { tenant: t.slug, from: m(-12), reason: "year before go-live" } })).toEqual({ version: 1 });
    const r = await businessOutcomesCommand.run(ctx, { positionals: [], values: { tenant: t.slug, from: G, to: m(2) } });
    const conversion = r.outcomes.find((o) => o.key === "intake-conversion")!;
    // By hand: baseline 150/600 = 0.25, live 210/600 = 0.35.
    expect(conversion).toMatchObject({ status: "ok", paired_months: 3, baseline_year: { version: 1 } });
    expect(conversion.baseline).toBeCloseTo(0.25, 12);
    expect(conversion.live).toBeCloseTo(0.35, 12);
    expect(businessOutcomesCommand.format(r)).toMatch(/Intake conversion: 35\.0% against 25\.0%/);
  });

  it("answers a bad month or a file without its columns with a clear error", async () => {
    const t = await createTenant(db, { slug: `biz-${randomUUID().slice(0, 8)}` });
    await expect(businessLockYear.run(ctx, { positionals: [], values: { tenant: t.slug, from: "2025-13", reason: "x" } })).rejects.toThrow(/YYYY-MM/);
    const file = path.join(ctx.cwd, "bad.csv");
    writeFileSync(file, "when,what\n1,2\n");
    await expect(businessImport.run(ctx, { positionals: [file], values: { tenant: t.slug } })).rejects.toThrow(CliError);
  });
});
