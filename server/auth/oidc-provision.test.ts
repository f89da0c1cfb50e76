import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { resetEnvCache } from "@/server/env";
import { createTenant } from "@/server/tenants";
import { provisionOidcUser, roleFromClaims } from "./oidc-provision";
import { membership } from "./users";

let db: Db;
let tenant: { tenant_id: string; slug: string };
beforeAll(async () => {
  db = await testDb();
  tenant = await createTenant(db, { slug: `oidc-${randomUUID().slice(0, 8)}` });
});

function configure(vars: Record<string, string>) {
  const all: Record<string, string | undefined> = { PLUMBLINE_OIDC_TENANT: tenant.slug, PLUMBLINE_OIDC_ROLE_CLAIM: undefined, PLUMBLINE_OIDC_DEFAULT_ROLE: undefined, ...vars };
  for (const [k, v] of Object.entries(all)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}
afterEach(() => {
  for (const k of ["PLUMBLINE_OIDC_TENANT", "PLUMBLINE_OIDC_ROLE_CLAIM", "PLUMBLINE_OIDC_DEFAULT_ROLE"]) delete process.env[k];
  resetEnvCache();
});

describe("roleFromClaims", () => {
  it("takes the most privileged known role from a string or a list claim", () => {
    expect(roleFromClaims({ groups: ["Ops", "nobody", "Admin"] }, "groups", undefined)).toBe("admin");
    expect(roleFromClaims({ role: "engineer" }, "role", "executive")).toBe("engineer");
  });

  it("falls back to the default role when the claim is missing or unknown", () => {
    expect(roleFromClaims({ role: "superuser" }, "role", "executive")).toBe("executive");
    expect(roleFromClaims({}, undefined, undefined)).toBeUndefined();
  });
});

describe("provisionOidcUser", () => {
  it("creates the person on first sign-in as a member with the claimed role", async () => {
    configure({ PLUMBLINE_OIDC_ROLE_CLAIM: "plumbline_role" });
    const email = `${randomUUID()}@idp.test`;
    const id = await provisionOidcUser(db, { email, email_verified: true, plumbline_role: "ops" }, "198.51.100.7");
    expect(id).toBeTruthy();
    expect((await membership(db, tenant.tenant_id, id ?? ""))?.role).toBe("ops");
  });

  it("refuses without a role claim or default, and without a verified e-mail", async () => {
    configure({});
    expect(await provisionOidcUser(db, { email: `${randomUUID()}@idp.test` }, "")).toBeNull();
    configure({ PLUMBLINE_OIDC_DEFAULT_ROLE: "executive" });
    expect(await provisionOidcUser(db, { email: `${randomUUID()}@idp.test`, email_verified: false }, "")).toBeNull();
  });

  it("keeps an existing member's role when only the default applies", async () => {
    configure({ PLUMBLINE_OIDC_ROLE_CLAIM: "r" });
    const email = `${randomUUID()}@idp.test`;
    const id = await provisionOidcUser(db, { email, r: "admin" }, "");
    configure({ PLUMBLINE_OIDC_DEFAULT_ROLE: "executive" });
    expect(await provisionOidcUser(db, { email }, "")).toBe(id);
    expect((await membership(db, tenant.tenant_id, id ?? ""))?.role).toBe("admin");
  });
});
