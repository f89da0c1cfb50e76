import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { currentUser } from "@/server/auth/auth";
import { checkRequestOrigin, csrfRefusal } from "@/server/csrf";
import { db } from "@/server/db";
import { appRouter } from "@/server/root";
import { createContext } from "@/server/trpc";

/**
 * The tRPC HTTP endpoint. The CSRF check runs before any procedure: mutations (POST) need this site's
 * Origin, and a query (GET) the browser marks as cross-site is refused before it can write an audit
 * "read" row in the signed-in user's name (server/csrf.ts).
 */
const handler = async (req: Request) => {
  const verdict = checkRequestOrigin(req);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContext({ db: await db(), user: await currentUser(), headers: req.headers }),
  });
};

export { handler as GET, handler as POST };
