import { readFile } from "node:fs/promises";
import path from "node:path";
import { audit } from "@/server/audit";
import { createSetupToken } from "@/server/auth/setup-token";
import { role as roleSchema } from "@/server/auth/roles";
import { email as emailSchema, ensureUser, setMembership, setPassword } from "@/server/auth/users";
import { env } from "@/server/env";
import { requireTenant, TenantError } from "@/server/tenants";
import { CliError, defineCommand, requireOpt, stringOpt } from "../command";

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** The password from stdin or a file, without its trailing newline; undefined when neither is given. */
async function passwordFrom(args: Parameters<typeof usersCreate.run>[1], cwd: string, remote: boolean): Promise<string | undefined> {
  const file = stringOpt(args, "password-file");
  let text: string | undefined;
  if (file) text = await readFile(path.resolve(cwd, file), "utf8");
  else if (args.values["password-stdin"] === true) {
    // A forwarded command runs in the server process, whose stdin is not the user's terminal.
    if (remote) throw new CliError("--password-stdin cannot reach the running server: use --password-file <path> instead", 2);
    text = await readStdin();
  }
  if (text === undefined) return undefined;
  const password = text.replace(/\r?\n$/, "");
  if (password.length < 12) throw new CliError("The password needs at least 12 characters", 2);
  return password;
}

export const usersCreate = defineCommand({
  name: "users create",
  summary: "Create a user (or add an existing one) as a member of a tenant",
  usage: "plumbline users create --email <e-mail> --role admin|executive|ops|engineer --tenant <slug> [--name <name>] [--password-stdin | --password-file <path>] [--json]",
  options: {
    email: { type: "string" },
    role: { type: "string" },
    tenant: { type: "string" },
    name: { type: "string" },
    "password-stdin": { type: "boolean" },
    "password-file": { type: "string" },
  },
  async run(ctx, args) {
    const email = emailSchema.safeParse(requireOpt(args, "email"));
    if (!email.success) throw new CliError(`Not an e-mail address: ${stringOpt(args, "email")}`, 2);
    const role = roleSchema.safeParse(requireOpt(args, "role"));
    if (!role.success) throw new CliError("--role must be one of admin, executive, ops, engineer", 2);
    const tenant = await requireTenant(ctx.db, requireOpt(args, "tenant")).catch((err: unknown) => {
      throw err instanceof TenantError ? new CliError(err.message) : err;
    });
    const password = await passwordFrom(args, ctx.cwd, ctx.remote);
    const { user, created } = await ensureUser(ctx.db, { email: email.data, name: stringOpt(args, "name"), password });
    // At the terminal the operator owns the install, so an existing account's password may be reset.
    if (!created && password) await setPassword(ctx.db, user, password);
    await setMembership(ctx.db, { tenantId: tenant.tenant_id, userId: user.user_id, role: role.data, updatedBy: ctx.actor });
    await audit(ctx.db, {
      tenantId: tenant.tenant_id,
      actorId: ctx.actor,
      kind: "change",
      action: "cli:users create",
      inputSummary: JSON.stringify({ email: user.email, role: role.data, password: password ? "[redacted]" : "none" }),
      result: "ok",
    });
    return { userId: user.user_id, email: user.email, tenant: tenant.slug, role: role.data, created, passwordSet: password !== undefined };
  },
  format: (r) =>
    `${r.created ? "Created" : "Updated"} ${r.email} as ${r.role} of ${r.tenant}${r.passwordSet ? " with a password" : " (no password: single sign-on only)"}`,
});

export const usersSetupLink = defineCommand({
  name: "users setup-link",
  summary: "Print a one-time link that creates an admin of every tenant (valid 24 hours)",
  usage: "plumbline users setup-link [--json]",
  async run(ctx) {
    const { token, expiresAt } = await createSetupToken(ctx.db);
    await audit(ctx.db, { tenantId: "", actorId: ctx.actor, kind: "system", action: "cli:users setup-link", result: "ok" });
    const e = env();
    const base = e.AUTH_URL ? new URL(e.AUTH_URL).origin : `http://localhost:${e.PORT}`;
    return { url: `${base}/setup?token=${token}`, expiresAt: expiresAt.toISOString() };
  },
  format: (r) => `Open this link once to create an admin (valid until ${r.expiresAt}):\n${r.url}`,
});
