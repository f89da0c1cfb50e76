"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/app/trpc/client";

/** The member subscribes or unsubscribes themselves to the weekly digest, at their sign-in address. */
export function DigestOptIn({ tenant, subscribed, email, cadence }: { tenant: string; subscribed: boolean; email: string | null; cadence: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const set = useMutation(trpc.alerts.digest.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="digest-opt-in">
      <p data-testid="digest-status">
        {subscribed ? <>You get the digest at {email}, </> : <>You do not get the digest. It goes out </>}
        {cadence}.
      </p>
      <button
        type="button"
        disabled={set.isPending}
        onClick={() => set.mutate({ tenant, enabled: !subscribed })}
        className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50"
      >
        {subscribed ? "Unsubscribe" : "Subscribe me"}
      </button>
      {set.error ? (
        <span role="alert" className="text-xs text-red-700">
          {set.error.message}
        </span>
      ) : null}
    </div>
  );
}
