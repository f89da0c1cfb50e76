import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { role } from "../auth/roles";
import { membership, membershipsOfTenant, membershipsOfUser, removeMembership, setDisabled, setMembership, userById } from "../auth/users";
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

/** A tenant always keeps one admin who can sign in, or nobody could manage its users and keys again. */
async function keepAnAdmin(db: Db, tenantId: string, userId: string): Promise<void> {
  const others = (await membershipsOfTenant(db, tenantId)).filter((m) => m.role === "admin" && m.user_id !== userId);
  const enabled = await Promise.all(others.map(async (m) => (await userById(db, m.user_id))?.disabled === 0));
  if (!enabled.includes(true)) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "A tenant needs at least one active admin: make someone else admin first." });
}

/** An admin does not lock themselves out: another admin removes or disables them. */
function notYourself(actorId: string, userId: string, what: string): void {
  if (actorId === userId) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `You cannot ${what} yourself: ask another admin.` });
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
      notYourself(ctx.user.id, input.userId, "remove");
      const current = await requireMember(ctx.db, ctx.tenant.id, input.userId);
      if (current.role === "admin") await keepAnAdmin(ctx.db, ctx.tenant.id, input.userId);
      await removeMembership(ctx.db, { tenantId: ctx.tenant.id, userId: input.userId, updatedBy: ctx.user.id });
      return { userId: input.userId, removed: true };
    }),
  /**
   * Disables (cannot sign in, sessions ended) or enables a member's account. The account is the
   * person's, not the tenant's: an account that belongs to another tenant too is refused, so an admin
   * here cannot lock someone out of elsewhere (remove them from this tenant instead).
   */
  setDisabled: tenantProcedure("admin")
    .input(member.extend({ disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      notYourself(ctx.user.id, input.userId, input.disabled ? "disable" : "enable");
      const current = await requireMember(ctx.db, ctx.tenant.id, input.userId);
      const user = await userById(ctx.db, input.userId);
      if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "No such member in this tenant." });
      if ((await membershipsOfUser(ctx.db, input.userId)).some((m) => m.tenant_id !== ctx.tenant.id)) {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This person also belongs to another tenant: remove them from this tenant instead of disabling the account." });
      }
      if (input.disabled && current.role === "admin") await keepAnAdmin(ctx.db, ctx.tenant.id, input.userId);
      if ((user.disabled === 1) !== input.disabled) await setDisabled(ctx.db, user, input.disabled);
      return { userId: input.userId, disabled: input.disabled };
    }),
});
