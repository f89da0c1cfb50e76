import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { role } from "../auth/roles";
import { membership, membershipsOfTenant, removeMembership, setMembership } from "../auth/users";
import { listGroups } from "../auth/workflow-groups";
import { router, tenantProcedure } from "../trpc";

/** Groups must belong to this tenant: an id from another tenant is refused, not silently stored. */
export async function checkGroups(db: Db, tenantId: string, groups: string[]): Promise<void> {
  if (groups.length === 0) return;
  const known = new Set((await listGroups(db, tenantId)).map((g) => g.group_id));
  const unknown = groups.filter((g) => !known.has(g));
  if (unknown.length) throw new TRPCError({ code: "BAD_REQUEST", message: `Unknown workflow group: ${unknown.join(", ")}` });
}

async function requireMember(db: Db, tenantId: string, userId: string) {
  const m = await membership(db, tenantId, userId);
  if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "No such member in this tenant." });
  return m;
}

/** A tenant always keeps one admin, or nobody could manage its users and keys again. */
async function keepAnAdmin(db: Db, tenantId: string, userId: string): Promise<void> {
  const admins = (await membershipsOfTenant(db, tenantId)).filter((m) => m.role === "admin" && m.user_id !== userId);
  if (admins.length === 0) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "A tenant needs at least one admin." });
}

const member = z.object({ userId: z.string().min(1).max(100) });

export const membershipsRouter = router({
  update: tenantProcedure("admin")
    .input(member.extend({ role, groups: z.array(z.string().max(100)).max(100).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const current = await requireMember(ctx.db, ctx.tenant.id, input.userId);
      if (current.role === "admin" && input.role !== "admin") await keepAnAdmin(ctx.db, ctx.tenant.id, input.userId);
      await checkGroups(ctx.db, ctx.tenant.id, input.groups);
      await setMembership(ctx.db, { tenantId: ctx.tenant.id, userId: input.userId, role: input.role, groups: input.groups, updatedBy: ctx.user.id });
      return { userId: input.userId, role: input.role, groups: input.groups };
    }),
  remove: tenantProcedure("admin")
    .input(member)
    .mutation(async ({ ctx, input }) => {
      const current = await requireMember(ctx.db, ctx.tenant.id, input.userId);
      if (current.role === "admin") await keepAnAdmin(ctx.db, ctx.tenant.id, input.userId);
      await removeMembership(ctx.db, { tenantId: ctx.tenant.id, userId: input.userId, updatedBy: ctx.user.id });
      return { userId: input.userId, removed: true };
    }),
});
