import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, trpcCode, type World } from "./test-world";

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
});

const code = trpcCode;

describe("tenant isolation", () => {
  it("lists and counts only the caller's tenant's workflows and runs", async () => {
    const admin = world.caller("admin", world.a);
    const listed = await admin.workflows.list({ tenant: world.a.slug });
    expect(listed.map((w) => [w.workflow, w.live_runs])).toEqual([
      [world.a.workflows[1], 4],
      [world.a.workflows[0], 3],
    ]);
  });

  it("does not find the other tenant's workflow by name", async () => {
    const admin = world.caller("admin", world.a);
    expect(await code(admin.workflows.byName({ tenant: world.a.slug, workflow: world.b.workflows[0] }))).toBe("NOT_FOUND");
  });

  it("refuses the other tenant's slug even to an admin", async () => {
    const admin = world.caller("admin", world.a);
    expect(await code(admin.users.list({ tenant: world.b.slug }))).toBe("FORBIDDEN");
    expect(await code(admin.audit.list({ tenant: world.b.slug }))).toBe("FORBIDDEN");
  });

  it("treats ids from the other tenant as unknown", async () => {
    const admin = world.caller("admin", world.a);
    const t = world.a.slug;
    const foreignUser = world.b.users.ops.id;
    expect(await code(admin.memberships.update({ tenant: t, userId: foreignUser, role: "admin", groups: [] }))).toBe("NOT_FOUND");
    expect(await code(admin.memberships.remove({ tenant: t, userId: foreignUser }))).toBe("NOT_FOUND");
    expect(await code(admin.groups.remove({ tenant: t, groupId: world.b.groupId }))).toBe("NOT_FOUND");
    expect(await code(admin.groups.save({ tenant: t, groupId: world.b.groupId, name: "x", workflows: [] }))).toBe("NOT_FOUND");
    expect(await code(admin.users.create({ tenant: t, email: "new@example.test", role: "ops", groups: [world.b.groupId] }))).toBe("BAD_REQUEST");
    const other = await world.caller("admin", world.b).users.list({ tenant: world.b.slug });
    expect(other.find((u) => u.userId === foreignUser)?.role).toBe("ops");
  });

  it("never lists the other tenant's members, groups or audit events", async () => {
    const admin = world.caller("admin", world.a);
    const t = world.a.slug;
    const bIds = new Set(Object.values(world.b.users).map((u) => u.id));
    const users = await admin.users.list({ tenant: t });
    expect(users.filter((u) => bIds.has(u.userId))).toEqual([]);
    expect((await admin.groups.list({ tenant: t })).map((g) => g.group_id)).toEqual([world.a.groupId]);
    await world.caller("admin", world.b).users.list({ tenant: world.b.slug });
    const events = await admin.audit.list({ tenant: t, limit: 1000 });
    expect(events.filter((e) => bIds.has(e.actor_id))).toEqual([]);
  });

  it("rejects SQL-ish strings as input errors or plain misses, never as data", async () => {
    const admin = world.caller("admin", world.a);
    expect(await code(admin.workflows.list({ tenant: `${world.a.slug}' OR '1'='1` }))).toBe("BAD_REQUEST");
    const sneaky = ["x' OR 1=1 --", `${world.b.workflows[0]}' OR tenant_id != '`, "') UNION ALL SELECT * FROM users --"];
    for (const workflow of sneaky) {
      expect(await code(admin.workflows.byName({ tenant: world.a.slug, workflow }))).toBe("NOT_FOUND");
    }
    const events = await admin.audit.list({ tenant: world.a.slug, actor: "' OR 1=1 --", action: "x' OR '1'='1" });
    expect(events).toEqual([]);
  });
});
