import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { tenantHasher } from "./privacy";
import { allowedAttributesOf, tenantPolicies } from "./tenant-policy";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const setSettings = (tenantId: string, settings: string, updatedAt: Date) =>
  db.insert("tenants", [{ tenant_id: tenantId, slug: tenantId, name: "T", settings, updated_at: updatedAt }]);

describe("tenant ingest policy", () => {
  it("allows the tenant's latest allow-list, exact names and prefixes, and hashes with the tenant's key", async () => {
    const tenantId = freshTenant();
    await setSettings(tenantId, JSON.stringify({ allowed_attributes: ["old.one"] }), new Date(Date.now() - 60_000));
    await setSettings(tenantId, JSON.stringify({ allowed_attributes: ["matter.type", "firm.*"], currency: "EUR" }), new Date());
    const policy = await tenantPolicies(db, "s".repeat(32))(tenantId);
    expect(policy.allowed).toEqual(["matter.type", "firm.*"]);
    expect(["matter.type", "firm.office", "old.one", "matter.types"].map(policy.allows)).toEqual([true, true, false, false]);
    expect(policy.hash("subject-1")).toBe(tenantHasher("s".repeat(32), tenantId)("subject-1"));
  });

  it("allows nothing extra when the settings cannot be read or the tenant has none", async () => {
    const unreadable = freshTenant();
    await setSettings(unreadable, "{not json", new Date());
    const wrongShape = freshTenant();
    await setSettings(wrongShape, JSON.stringify({ allowed_attributes: "everything" }), new Date());
    const policies = tenantPolicies(db, "s".repeat(32));
    for (const tenantId of [unreadable, wrongShape, freshTenant()]) {
      const policy = await policies(tenantId);
      expect(policy.allowed).toEqual([]);
      expect(policy.allows("anything")).toBe(false);
    }
  });
});

describe("the allow-list key", () => {
  it("reads allowed_attributes, else the allowedAttributes Settings wrote before, else nothing", () => {
    expect(allowedAttributesOf({ allowed_attributes: ["a"], allowedAttributes: ["b"] })).toEqual(["a"]);
    expect(allowedAttributesOf({ allowedAttributes: ["b"] })).toEqual(["b"]);
    expect(allowedAttributesOf({ allowed_attributes: [], allowedAttributes: ["b"] })).toEqual([]);
    expect(allowedAttributesOf({ allowed_attributes: "everything" })).toEqual([]);
    expect(allowedAttributesOf(null)).toEqual([]);
  });
});
