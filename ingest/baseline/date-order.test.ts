import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { DateOrderError, DateOrderEvidence, decideDateOrder } from "./date-order";
import { importBaseline, type ImportRequest } from "./import-baseline";
import { previewImport } from "./preview-import";

/** Issue 22, finding 7: one date order per file, decided from all its values, never guessed per row. */

function evidence(...values: [number, number][]): DateOrderEvidence {
  const e = new DateOrderEvidence();
  for (const [a, b] of values) e.see(a, b, `${a}/${b}/2025`);
  return e;
}

describe("decideDateOrder", () => {
  it("takes the only order the values allow, and says when ambiguous values were read month first and must be read again", () => {
    expect(decideDateOrder(evidence([12, 3], [13, 3]), "auto")).toEqual({ order: "dmy", reread: true });
    expect(decideDateOrder(evidence([13, 3]), "auto")).toEqual({ order: "dmy", reread: false });
    expect(decideDateOrder(evidence([3, 12], [3, 13]), "auto")).toEqual({ order: "mdy", reread: false });
    // 5/5 reads the same either way: no order needed.
    expect(decideDateOrder(evidence([5, 5]), "auto")).toEqual({ order: null, reread: false });
    expect(decideDateOrder(evidence(), "auto")).toEqual({ order: null, reread: false });
  });

  it("refuses a file whose values fit both orders unless an order is given", () => {
    expect(() => decideDateOrder(evidence([12, 3], [1, 2]), "auto")).toThrow(/"12\/3\/2025" fit both .*--date-order dmy .*--date-order mdy/);
    expect(decideDateOrder(evidence([12, 3], [1, 2]), "dmy")).toEqual({ order: "dmy", reread: false });
  });

  it("refuses values that contradict each other, or the given order, naming them", () => {
    expect(() => decideDateOrder(evidence([13, 3], [3, 13]), "auto")).toThrow(/"13\/3\/2025" can only be day first, "3\/13\/2025" only month first/);
    expect(() => decideDateOrder(evidence([13, 3], [3, 13]), "dmy")).toThrow(/contradict each other/);
    expect(() => decideDateOrder(evidence([13, 3]), "mdy")).toThrow(/given as month first, but "13\/3\/2025" can only be read day first/);
  });

  it("words the choice for the upload form without CLI flags", () => {
    const err = (() => {
      try {
        decideDateOrder(evidence([4, 3]), "auto");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DateOrderError);
    const form = (err as DateOrderError).messageFor("form");
    expect(form).toMatch(/"Date order"/);
    expect(form).not.toMatch(/--/);
  });
});

const request = (tenantId: string, csv: string, extra: Partial<ImportRequest> = {}): ImportRequest => ({
  tenantId,
  workflow: "dates",
  source: Buffer.from(csv),
  fileName: "dates.csv",
  actor: "test",
  ...extra,
});

async function starts(tenantId: string) {
  const db = await testDb();
  const rows = await db.query(
    `SELECT attributes['case.id'] AS id, toString(start_time) AS start FROM runs FINAL WHERE tenant_id = {t:String} ORDER BY id`,
    { t: tenantId },
    z.object({ id: z.string(), start: z.string() }),
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.start.slice(0, 10)]));
}

describe("importing slashed dates", () => {
  it("reads 12/03/2025 as 12 March when 13/03/2025 in the same file shows the order is day first", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp\nA,x,12/03/2025 09:00\nB,x,13/03/2025 09:00\nC,x,01/02/2025 09:00\n";
    const summary = await importBaseline(db, request(tenantId, csv));
    expect(summary).toMatchObject({ status: "imported", runs: 3, dateOrder: "dmy" });
    expect(await starts(tenantId)).toEqual({ A: "2025-03-12", B: "2025-03-13", C: "2025-02-01" });
  });

  it("refuses a file whose dates fit both orders, leaving nothing behind, and imports it once the order is given", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp\nA,x,12/03/2025 09:00\nB,x,01/02/2025 09:00\n";
    await expect(importBaseline(db, request(tenantId, csv))).rejects.toThrow(/fit both day-first and month-first .*--date-order/);
    expect(await starts(tenantId)).toEqual({});
    await importBaseline(db, request(tenantId, csv, { options: { dateOrder: "mdy" } }));
    expect(await starts(tenantId)).toEqual({ A: "2025-12-03", B: "2025-01-02" });
  });

  it("refuses a file whose dates contradict each other, or the given order", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = "case,activity,timestamp\nA,x,13/03/2025 09:00\nB,x,03/14/2025 09:00\n";
    await expect(importBaseline(db, request(tenantId, csv))).rejects.toThrow(/"13\/03\/2025 09:00" can only be day first, "03\/14\/2025 09:00" only month first/);
    await expect(importBaseline(db, request(tenantId, "case,activity,timestamp\nA,x,13/03/2025\n", { options: { dateOrder: "mdy" } }))).rejects.toThrow(
      /given as month first/,
    );
    expect(await starts(tenantId)).toEqual({});
  });

  it("asks for the order when a streamed file turns out day first after ambiguous dates", async () => {
    const db = await testDb();
    const tenantId = freshTenant();
    const csv = Buffer.from("case,activity,timestamp\nA,x,12/03/2025\nB,x,13/03/2025\n");
    async function* stream() {
      yield csv;
    }
    const err = await importBaseline(db, request(tenantId, "", { source: stream() })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DateOrderError);
    expect((err as Error).message).toMatch(/day first .*--date-order dmy/);
    expect(await importBaseline(db, request(tenantId, "", { source: stream(), options: { dateOrder: "dmy" } }))).toMatchObject({ runs: 2 });
  });

  it("previews in the order the import will use", async () => {
    const db = await testDb();
    const csv = "case,activity,timestamp\nA,x,12/03/2025 09:00\nB,x,13/03/2025 09:00\n";
    const preview = await previewImport(db, { tenantId: freshTenant(), workflow: "dates", source: Buffer.from(csv) });
    expect(preview.dateOrder).toBe("dmy");
    expect(preview.rows.map((r) => r.time)).toEqual(["2025-03-12T09:00:00.000Z", "2025-03-13T09:00:00.000Z"]);
  });
});
