import { z } from "zod";
import { tenantsOfUser } from "../auth/access";
import { protectedProcedure, router } from "../trpc";

export const meRouter = router({
  /** The tenants the signed-in user belongs to, with their role: the tenant switcher's list. */
  tenants: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => tenantsOfUser(ctx.db, ctx.user.id)),
});
