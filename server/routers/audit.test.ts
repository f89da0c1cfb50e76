import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, type World } from "./test-world";

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
});

describe("the audit log", () => {
  it("records reads and changes with the caller and the tenant", async () => {
    const ops = world.a.users.ops;
    await world.caller("ops", world.a).workflows.list({ tenant: world.a.slug });
    await world.caller("admin", world.a).tenantSettings.update({ tenant: world.a.slug, settings: { locale: "de-DE" } });
    const events = await world.caller("admin", world.a).audit.list({ tenant: world.a.slug, limit: 1000 });
    expect(events).toContainEqual(
      expect.objectContaining({ action: "workflows.list", kind: "read", result: "ok", actor_id: ops.id, actor_email: ops.email, ip: "203.0.113.9" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ action: "tenantSettings.update", kind: "change", result: "ok", actor_id: world.a.users.admin.id }),
    );
  });

  it("records refusals as denied in the tenant that was asked", async () => {
    const executive = world.a.users.executive;
    await expect(world.caller("executive", world.a).users.list({ tenant: world.a.slug })).rejects.toThrow();
    const events = await world.caller("admin", world.a).audit.list({ tenant: world.a.slug, action: "users.list", actor: executive.id });
    expect(events.map((e) => e.result)).toEqual(["denied"]);
  });

  it("records its own reads, so looking at the log is itself on the log", async () => {
    const admin = world.caller("admin", world.a);
    await admin.audit.export({ tenant: world.a.slug });
    const events = await admin.audit.list({ tenant: world.a.slug, action: "audit.export" });
    expect(events[0]?.actor_id).toBe(world.a.users.admin.id);
  });

  it("redacts secrets from the input summary", async () => {
    const admin = world.caller("admin", world.a);
    await admin.users.create({ tenant: world.a.slug, email: "redact@example.test", role: "ops", password: "correct horse battery" });
    const [event] = await admin.audit.list({ tenant: world.a.slug, action: "users.create" });
    expect(event?.input_summary).toContain("[redacted]");
    expect(event?.input_summary).not.toContain("correct horse");
  });
});
