"use server";

import { AuthError } from "next-auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/server/auth/auth";
import { makeAdminEverywhere } from "@/server/auth/first-admin";
import { consumeSetupToken, setupTokenValid } from "@/server/auth/setup-token";
import { email, ensureUser } from "@/server/auth/users";
import { db } from "@/server/db";
import { tenantSlug } from "@/server/tenants";
import { TENANT_COOKIE } from "@/app/trpc/server";

/** Only same-site paths: an open redirect after sign-in is a phishing aid. */
function safeCallback(value: FormDataEntryValue | null): string {
  const s = typeof value === "string" ? value : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : "/";
}

export async function signInWithPassword(form: FormData): Promise<void> {
  const callbackUrl = safeCallback(form.get("callbackUrl"));
  try {
    await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirectTo: callbackUrl });
  } catch (err) {
    // One message for every failure: it must not tell an unknown account from a wrong password or a lockout.
    if (err instanceof AuthError) redirect(`/sign-in?error=1&callbackUrl=${encodeURIComponent(callbackUrl)}`);
    throw err;
  }
}

export async function signInWithSso(form: FormData): Promise<void> {
  await signIn("oidc", { redirectTo: safeCallback(form.get("callbackUrl")) });
}

export async function signOutEverywhere(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

export async function switchTenant(form: FormData): Promise<void> {
  const slug = tenantSlug.safeParse(form.get("tenant"));
  if (slug.success) {
    const https = (await headers()).get("x-forwarded-proto") === "https";
    (await cookies()).set(TENANT_COOKIE, slug.data, { httpOnly: true, sameSite: "lax", secure: https, path: "/" });
  }
  // The new tenant's role decides the first page (app/page.tsx).
  redirect("/");
}

const setupForm = z.object({
  token: z.string().min(1).max(200),
  email,
  name: z.string().max(200).default(""),
  password: z.string().min(12, "at least 12 characters").max(200),
});

export async function completeSetup(form: FormData): Promise<void> {
  const parsed = setupForm.safeParse(Object.fromEntries(form));
  const token = typeof form.get("token") === "string" ? String(form.get("token")) : "";
  if (!parsed.success) redirect(`/setup?token=${encodeURIComponent(token)}&error=input`);
  const store = await db();
  if (!(await setupTokenValid(store, parsed.data.token))) redirect("/setup?error=token");
  const { user } = await ensureUser(store, parsed.data);
  if (!(await consumeSetupToken(store, parsed.data.token, user.user_id))) redirect("/setup?error=token");
  await makeAdminEverywhere(store, user, "setup-link");
  redirect("/sign-in?setup=1");
}
