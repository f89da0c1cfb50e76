"use client";

import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/root";

/** Client components: `const trpc = useTRPC(); useQuery(trpc.workflows.list.queryOptions({ tenant }))`. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
