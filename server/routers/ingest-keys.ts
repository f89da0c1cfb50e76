import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createIngestKey, listIngestKeys, revokeIngestKey } from "@/ingest/keys";
import { router, tenantProcedure } from "../trpc";

/** Ingest keys: engineers instrument workflows, admins manage the tenant (DESIGN.md §4). */
export const ingestKeysRouter = router({
  list: tenantProcedure(["engineer", "admin"]).query(({ ctx }) => listIngestKeys(ctx.db, ctx.tenant.id)),
  /** The secret is in this response only; the store keeps its hash. */
  create: tenantProcedure(["engineer", "admin"])
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => createIngestKey(ctx.db, { tenantId: ctx.tenant.id, name: input.name, createdBy: ctx.user.id })),
  revoke: tenantProcedure(["engineer", "admin"])
    .input(z.object({ keyId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      if (!(await revokeIngestKey(ctx.db, { tenantId: ctx.tenant.id, keyId: input.keyId, revokedBy: ctx.user.id }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such active ingest key." });
      }
      return { keyId: input.keyId, revoked: true };
    }),
});
