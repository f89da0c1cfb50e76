import { z } from "zod";
import { membershipsOfUser } from "../auth/users";
import { listTenants } from "../tenants";
import { protectedProcedure, router } from "../trpc";

export const meRouter = router({
  /** The tenants the signed-in user belongs to, with their role: the tenant switcher's list. */
  tenants: protectedProcedure.input(z.object({}).optional()).query(async ({ ctx }) => {
    const [memberships, tenants] = await Promise.all([membershipsOfUser(ctx.db, ctx.user.id), listTenants(ctx.db)]);
    const bySlug = new Map(tenants.map((t) => [t.tenant_id, t]));
    return memberships.flatMap((m) => {
      const t = bySlug.get(m.tenant_id);
      return t ? [{ slug: t.slug, name: t.name, role: m.role }] : [];
    });
  }),
});
