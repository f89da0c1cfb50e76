import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listGroups, removeGroup, saveGroup } from "../auth/workflow-groups";
import { router, tenantProcedure } from "../trpc";

const groupId = z.string().min(1).max(100);

export const groupsRouter = router({
  list: tenantProcedure("admin").query(({ ctx }) => listGroups(ctx.db, ctx.tenant.id)),
  /** Creates a group, or replaces one of this tenant's groups when `groupId` is given. */
  save: tenantProcedure("admin")
    .input(
      z.object({
        groupId: groupId.optional(),
        name: z.string().trim().min(1).max(100),
        workflows: z.array(z.string().min(1).max(200)).max(1000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.groupId && !(await listGroups(ctx.db, ctx.tenant.id)).some((g) => g.group_id === input.groupId)) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such workflow group." });
      }
      return saveGroup(ctx.db, { tenantId: ctx.tenant.id, ...input, updatedBy: ctx.user.id });
    }),
  remove: tenantProcedure("admin")
    .input(z.object({ groupId }))
    .mutation(async ({ ctx, input }) => {
      if (!(await removeGroup(ctx.db, { tenantId: ctx.tenant.id, groupId: input.groupId, updatedBy: ctx.user.id }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such workflow group." });
      }
      return { groupId: input.groupId, removed: true };
    }),
});
