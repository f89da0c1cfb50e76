import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, type World } from "./test-world";

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
});

describe("ingest keys through the API", () => {
  it("shows the secret once at creation and only a prefix in the list", async () => {
    const engineer = world.caller("engineer", world.a);
    const created = await engineer.ingestKeys.create({ tenant: world.a.slug, name: "collector" });
    expect(created.secret.startsWith(created.prefix)).toBe(true);
    const listed = await engineer.ingestKeys.list({ tenant: world.a.slug });
    expect(listed.map((k) => k.keyId)).toEqual([created.keyId]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it("cannot revoke or see another tenant's key", async () => {
    const foreign = await world.caller("admin", world.b).ingestKeys.create({ tenant: world.b.slug, name: "b's key" });
    const admin = world.caller("admin", world.a);
    const err = await admin.ingestKeys.revoke({ tenant: world.a.slug, keyId: foreign.keyId }).catch((e: unknown) => e);
    expect(err instanceof TRPCError && err.code).toBe("NOT_FOUND");
    expect((await admin.ingestKeys.list({ tenant: world.a.slug })).some((k) => k.keyId === foreign.keyId)).toBe(false);
    const still = await world.caller("admin", world.b).ingestKeys.list({ tenant: world.b.slug });
    expect(still.find((k) => k.keyId === foreign.keyId)?.revokedAt).toBeNull();
  });

  it("revokes a key of the caller's tenant", async () => {
    const admin = world.caller("admin", world.a);
    const created = await admin.ingestKeys.create({ tenant: world.a.slug, name: "to revoke" });
    await admin.ingestKeys.revoke({ tenant: world.a.slug, keyId: created.keyId });
    const listed = await admin.ingestKeys.list({ tenant: world.a.slug });
    expect(listed.find((k) => k.keyId === created.keyId)?.revokedAt).not.toBeNull();
  });
});
