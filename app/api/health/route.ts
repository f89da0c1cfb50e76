import { health } from "@/server/health";
import { db } from "@/server/db";

export const dynamic = "force-dynamic";

/** Public liveness and store check for load balancers and `docker compose` health checks. */
export async function GET(): Promise<Response> {
  try {
    const h = await health(await db());
    return Response.json(h, { status: h.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
  } catch (err) {
    console.error("health check failed:", err);
    return Response.json({ status: "unavailable", error: "the store is unavailable" }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
