import type { Metadata } from "next";
import { setupTokenValid } from "@/server/auth/setup-token";
import { db } from "@/server/db";
import { completeSetup } from "../actions";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-slate-500 focus:outline-none";

/** The one-time page behind the setup link printed at first start: creates the first admin. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const valid = token !== "" && (await setupTokenValid(await db(), token));
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-6 text-xl font-semibold">Create the first admin</h1>
      {!valid ? (
        <p role="alert" className="text-sm text-red-800">
          This setup link is not valid: it was used, has expired, or is incomplete. Print a new one with{" "}
          <code>plumbline users setup-link</code>.
        </p>
      ) : (
        <form action={completeSetup} className="space-y-4">
          {params.error === "input" ? <p role="alert" className="text-sm text-red-800">Enter a valid e-mail and a password of at least 12 characters.</p> : null}
          <input type="hidden" name="token" value={token} />
          <label className="block text-sm font-medium">
            E-mail
            <input name="email" type="email" required className={input} />
          </label>
          <label className="block text-sm font-medium">
            Name
            <input name="name" className={input} />
          </label>
          <label className="block text-sm font-medium">
            Password (12 characters or more)
            <input name="password" type="password" minLength={12} autoComplete="new-password" required className={input} />
          </label>
          <button type="submit" className="w-full rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white">
            Create admin
          </button>
        </form>
      )}
    </main>
  );
}
