import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { env } from "@/server/env";
import { tenantBySlug } from "@/server/tenants";
import { role as roleSchema, type Role } from "./roles";
import { ensureUser, membership, setMembership } from "./users";

/** The role an identity provider grants: the configured claim (a string or a list), else the default. */
export function roleFromClaims(claims: Record<string, unknown>, claim: string | undefined, fallback: Role | undefined): Role | undefined {
  const value = claim ? claims[claim] : undefined;
  const candidates = Array.isArray(value) ? value : [value];
  // With several roles in the claim the most privileged one applies, in the enum's order.
  const granted = candidates.map((c) => roleSchema.safeParse(typeof c === "string" ? c.toLowerCase() : c)).flatMap((r) => (r.success ? [r.data] : []));
  const order: Role[] = ["admin", "executive", "ops", "engineer"];
  return order.find((r) => granted.includes(r)) ?? fallback;
}

/**
 * Signs an OIDC identity into Plumbline: the person is created on first sign-in and made a member of
 * PLUMBLINE_OIDC_TENANT. A role in the claim is applied on every sign-in (the IdP stays the source of
 * truth); the default role only applies to a new member. Returns the user id, or null to refuse.
 */
export async function provisionOidcUser(db: Db, claims: Record<string, unknown>, ip: string): Promise<string | null> {
  const e = env();
  const email = typeof claims.email === "string" ? claims.email : "";
  const verified = claims.email_verified !== false;
  const tenant = e.PLUMBLINE_OIDC_TENANT ? await tenantBySlug(db, e.PLUMBLINE_OIDC_TENANT) : undefined;
  const refuse = async (detail: string) => {
    await audit(db, { tenantId: tenant?.tenant_id ?? "", actorId: "", actorEmail: email, kind: "auth", action: "auth.signIn", result: "denied", detail, ip });
    return null;
  };
  if (!email || !verified) return refuse("oidc: no verified e-mail in the ID token");
  if (!tenant) return refuse("oidc: PLUMBLINE_OIDC_TENANT is not an existing tenant");
  const { user } = await ensureUser(db, { email, name: typeof claims.name === "string" ? claims.name : "" });
  if (user.disabled) return refuse("oidc: account disabled");
  const claimed = roleFromClaims(claims, e.PLUMBLINE_OIDC_ROLE_CLAIM, undefined);
  const current = await membership(db, tenant.tenant_id, user.user_id);
  const role = claimed ?? current?.role ?? e.PLUMBLINE_OIDC_DEFAULT_ROLE;
  if (!role) return refuse("oidc: no role claim and no PLUMBLINE_OIDC_DEFAULT_ROLE");
  if (!current || current.role !== role) {
    await setMembership(db, { tenantId: tenant.tenant_id, userId: user.user_id, role, groups: current?.groups ?? [], updatedBy: "oidc" });
  }
  await audit(db, { tenantId: tenant.tenant_id, actorId: user.user_id, actorEmail: user.email, kind: "auth", action: "auth.signIn", result: "ok", detail: `oidc as ${role}`, ip });
  return user.user_id;
}
