import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { startTestReceiver } from "@/ingest/otlp/test-receiver";
import { otlpJson, postOtlp } from "@/ingest/otlp/test-spans";
import { tenantPolicies } from "@/ingest/otlp/tenant-policy";
import { buildWorld, type World } from "./test-world";

let world: World;
const closing: (() => Promise<void>)[] = [];
beforeAll(async () => {
  world = await buildWorld(await testDb());
});
afterAll(async () => {
  for (const close of closing) await close();
});

const storedSettings = async (tenantId: string) => {
  const rows = await world.db.query(
    "SELECT argMax(settings, updated_at) AS settings FROM tenants WHERE tenant_id = {t:String} GROUP BY tenant_id",
    { t: tenantId },
    z.object({ settings: z.string() }),
  );
  return JSON.parse(rows[0]?.settings ?? "{}") as Record<string, unknown>;
};

describe("the tenant allow-list, from Settings to ingest", () => {
  it("keeps an attribute an admin allowed in Settings, masked, and drops the others", async () => {
    const t = world.a;
    await world.caller("admin", t).tenantSettings.update({ tenant: t.slug, settings: { allowed_attributes: ["matter.type", "client.*"] } });
    expect(await storedSettings(t.id)).toMatchObject({ allowed_attributes: ["matter.type", "client.*"] });

    const r = await startTestReceiver(world.db, t.id);
    closing.push(r.close);
    const attributes = { "workflow.name": "allow-list-check", "matter.type": "litigation", "client.office": "Leeds", "client.contact": "mail jane(at)firm.com", "team.name": "dropped" };
    expect((await postOtlp(r, otlpJson([{ attributes }]))).status).toBe(200);
    await r.service.writer.drain();

    const runs = await world.db.query(
      "SELECT attributes FROM runs WHERE tenant_id = {t:String} AND workflow = 'allow-list-check'",
      { t: t.id },
      z.object({ attributes: z.record(z.string(), z.string()) }),
    );
    expect(runs.map((x) => x.attributes)).toEqual([{ "matter.type": "litigation", "client.office": "Leeds", "client.contact": "mail [email]" }]);
  });

  it("reads a list saved under the old key, and writes only the one key on the next save", async () => {
    const t = world.b;
    const legacy = { currency: "EUR", allowedAttributes: ["matter.type"] };
    await world.db.insert("tenants", [{ tenant_id: t.id, slug: t.slug, name: "B", settings: JSON.stringify(legacy), updated_at: new Date() }]);

    expect((await tenantPolicies(world.db, "s".repeat(32))(t.id)).allowed).toEqual(["matter.type"]);
    const got = await world.caller("admin", t).tenantSettings.get({ tenant: t.slug });
    expect(got.settings).toMatchObject({ currency: "EUR", allowed_attributes: ["matter.type"] });

    await new Promise((done) => setTimeout(done, 5)); // a later updated_at than the row above
    await world.caller("admin", t).tenantSettings.update({ tenant: t.slug, settings: { locale: "en-GB" } });
    const stored = await storedSettings(t.id);
    expect(stored).toMatchObject({ currency: "EUR", locale: "en-GB", allowed_attributes: ["matter.type"] });
    expect(stored).not.toHaveProperty("allowedAttributes");
  });
});
