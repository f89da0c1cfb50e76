import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser, oidcName } from "@/server/auth/auth";
import { countUsers } from "@/server/auth/users";
import { db } from "@/server/db";
import { signInWithPassword, signInWithSso } from "../actions";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-slate-500 focus:outline-none";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // "/" lands each role on its own first page (app/page.tsx).
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : "/";
  if (await currentUser()) redirect(callbackUrl.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/");
  const sso = oidcName();
  const noUsers = (await countUsers(await db())) === 0;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-6 text-xl font-semibold">Sign in to Plumbline</h1>
      {params.error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
          Sign-in failed. Check your e-mail and password, or try again in a few minutes.
        </p>
      ) : null}
      {noUsers ? <FirstAdminHint /> : null}
      {params.setup ? <p className="mb-4 rounded-md bg-green-50 p-3 text-sm text-green-800">Admin created. Sign in.</p> : null}
      <form action={signInWithPassword} className="space-y-4">
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <label className="block text-sm font-medium">
          E-mail
          <input name="email" type="email" autoComplete="username" required className={input} />
        </label>
        <label className="block text-sm font-medium">
          Password
          <input name="password" type="password" autoComplete="current-password" required className={input} />
        </label>
        <button type="submit" className="w-full rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700">
          Sign in
        </button>
      </form>
      {sso ? (
        <form action={signInWithSso} className="mt-4">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50">
            Sign in with {sso}
          </button>
        </form>
      ) : null}
    </main>
  );
}

/** Before anyone can sign in, the first admin is created through a one-time setup link. */
function FirstAdminHint() {
  return (
    <div role="note" data-testid="first-admin-hint" className="mb-4 rounded-md bg-indigo-50 p-3 text-sm text-indigo-900">
      <p className="font-medium">No account exists yet.</p>
      <p className="mt-1">
        Create the first admin with the setup link the server printed when it started, or print a new one on the server:{" "}
        <code>plumbline users setup-link</code>. The link opens a page where you choose the admin&apos;s e-mail and password.
      </p>
    </div>
  );
}
