import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { audit } from "@/server/audit";
import { cursorAfter } from "@/server/audit-events";
import { buildWorld, type World } from "./test-world";

let world: World;
const actor = `filter-${randomUUID()}@example.test`;
beforeAll(async () => {
  world = await buildWorld(await testDb());
  // Five events by one actor: three ok, one denied, one error, in three actions.
  const events = [
    ["rules.save", "ok"],
    ["rules.save", "denied"],
    ["rules.save", "ok"],
    ["keys.make", "error"],
    ["keys.make", "ok"],
  ] as const;
  for (const [action, result] of events) {
    await audit(world.db, { tenantId: world.a.id, actorId: "u-filter", actorEmail: actor, kind: "change", action, result, detail: "=1+1" });
  }
});

async function text(it: AsyncIterable<string>): Promise<string> {
  let s = "";
  for await (const part of it) s += part;
  return s;
}

const idsOfCsv = (csv: string) =>
  csv
    .split("\r\n")
    .slice(1)
    .filter((l) => l !== "")
    .map((l) => l.split(",")[1]);

describe("the audit log's filters, pages and CSV", () => {
  it("filters by actor, action and result", async () => {
    const admin = world.caller("admin", world.a);
    const t = world.a.slug;
    expect(await admin.audit.list({ tenant: t, actor })).toHaveLength(5);
    expect(await admin.audit.list({ tenant: t, actor, action: "rules.save" })).toHaveLength(3);
    const oks = await admin.audit.list({ tenant: t, actor, action: "rules.save", result: "ok" });
    expect(oks.map((r) => [r.action, r.result])).toEqual([
      ["rules.save", "ok"],
      ["rules.save", "ok"],
    ]);
    expect(await admin.audit.list({ tenant: t, actor, result: "error" })).toHaveLength(1);
    expect(await admin.audit.list({ tenant: t, actor, from: new Date(Date.now() + 3_600_000), to: new Date(Date.now() + 7_200_000) })).toHaveLength(0);
  });

  it("pages through every row once, newest first", async () => {
    const admin = world.caller("admin", world.a);
    const all = await admin.audit.list({ tenant: world.a.slug, actor });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const rows = await admin.audit.list({ tenant: world.a.slug, actor, limit: 2, cursor });
      seen.push(...rows.map((r) => r.event_id));
      const last = rows.at(-1);
      if (rows.length < 2 || !last) break;
      cursor = cursorAfter(last);
    }
    expect(seen).toEqual(all.map((r) => r.event_id));
    expect(new Set(seen).size).toBe(5);
  });

  it("exports exactly the filtered rows as CSV, formulas neutralised", async () => {
    const admin = world.caller("admin", world.a);
    const filter = { tenant: world.a.slug, actor, action: "rules.save", result: "ok" as const };
    const shown = await admin.audit.list(filter);
    const csv = await text((await admin.audit.export(filter)).csv);
    expect(csv.split("\r\n")[0]).toBe("time,event_id,actor_id,actor_email,kind,action,input_summary,result,detail,ip");
    expect(idsOfCsv(csv)).toEqual(shown.map((r) => r.event_id));
    expect(idsOfCsv(csv)).toHaveLength(2);
    expect(csv).toContain(",'=1+1,");
  });

  it("refuses an inverted date range with a message", async () => {
    const err = await world
      .caller("admin", world.a)
      .audit.list({ tenant: world.a.slug, from: new Date(), to: new Date(Date.now() - 86_400_000) })
      .catch((e: unknown) => e);
    expect(err instanceof TRPCError && err.code).toBe("BAD_REQUEST");
    expect(err instanceof Error ? err.message : "").toContain("'from' must be before 'to'");
  });
});
