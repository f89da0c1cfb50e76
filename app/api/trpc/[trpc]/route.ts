import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { currentUser } from "@/server/auth/auth";
import { db } from "@/server/db";
import { appRouter } from "@/server/root";
import { createContext } from "@/server/trpc";

const handler = async (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContext({ db: await db(), user: await currentUser(), headers: req.headers }),
  });

export { handler as GET, handler as POST };
