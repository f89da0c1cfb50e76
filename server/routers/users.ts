import { z } from "zod";
import { role } from "../auth/roles";
import { hashPassword } from "../auth/password";
import { email, ensureUser, membershipsOfTenant, setMembership, userById } from "../auth/users";
import { router, tenantProcedure } from "../trpc";
import { checkGroups } from "./memberships";

export const usersRouter = router({
  /**
   * Members of the tenant with their role and workflow groups. The account's name is left out: it is
   * the person's own, set wherever their account began, and an admin who added an e-mail must not
   * learn from this list who is behind it.
   */
  list: tenantProcedure("admin").query(async ({ ctx }) => {
    const members = await membershipsOfTenant(ctx.db, ctx.tenant.id);
    const users = await Promise.all(members.map((m) => userById(ctx.db, m.user_id)));
    return members.flatMap((m, i) => {
      const u = users[i];
      return u ? [{ userId: u.user_id, email: u.email, disabled: u.disabled === 1, role: m.role, groups: m.groups }] : [];
    });
  }),
  /**
   * Adds a person to the tenant, creating the account when the e-mail is new. A password is only
   * set on a new account: an admin of one tenant must never change the credentials of a person who
   * also belongs to another. The answer is the same whether or not the e-mail already had an account
   * (no id, no name, and a password is hashed either way so the time taken does not tell either).
   */
  create: tenantProcedure("admin")
    .input(
      z.object({
        email,
        name: z.string().max(200).optional(),
        role,
        groups: z.array(z.string().max(100)).max(100).default([]),
        password: z.string().min(12).max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await checkGroups(ctx.db, ctx.tenant.id, input.groups);
      const { user, created } = await ensureUser(ctx.db, input);
      if (!created && input.password) await hashPassword(input.password);
      await setMembership(ctx.db, { tenantId: ctx.tenant.id, userId: user.user_id, role: input.role, groups: input.groups, updatedBy: ctx.user.id });
      return { email: user.email, added: true as const };
    }),
});
