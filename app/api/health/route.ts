import { currentUser } from "@/server/auth/auth";
import { membershipsOfUser } from "@/server/auth/users";
import { db } from "@/server/db";
import { health } from "@/server/health";

export const dynamic = "force-dynamic";

const noStore = { "cache-control": "no-store" };

/**
 * Liveness and store check for load balancers and `docker compose` health checks: status and store
 * kind only. The ClickHouse version, migration names and tenant count help an attacker more than a
 * load balancer, so they are added only for a signed-in admin (of any tenant); `plumbline health`
 * prints them on the server too.
 */
export async function GET(): Promise<Response> {
  try {
    const store = await db();
    const h = await health(store);
    const status = h.status === "ok" ? 200 : 503;
    const user = await currentUser().catch(() => null);
    const admin = user ? (await membershipsOfUser(store, user.id)).some((m) => m.role === "admin") : false;
    return Response.json(admin ? h : { status: h.status, store: h.store }, { status, headers: noStore });
  } catch (err) {
    console.error("health check failed:", err);
    return Response.json({ status: "unavailable", error: "the store is unavailable" }, { status: 503, headers: noStore });
  }
}
