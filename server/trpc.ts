import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { audit } from "./audit";
import { resolveAccess } from "./auth/access";
import { insideBarrier, workflowNamesIn } from "./auth/barrier";
import { clientIp } from "./auth/client-ip";
import { readableIssues, zodIssuesOf } from "./readable-issues";
import type { Role } from "./auth/roles";
import { tenantBySlug, tenantSlug } from "./tenants";

/**
 * tRPC foundation. The active tenant is named by every tenant procedure's input (`{ tenant: slug }`),
 * so a page, a Server Component caller and a CLI all say which tenant they mean the same way, and a
 * URL like /t/<slug>/... maps to it directly. Scoping, role checks, information barriers and the audit
 * log are applied here, once, below the routers: routers only ever read ctx.tenant/ctx.role/ctx.workflows.
 */

export interface SessionUser {
  id: string;
  email: string;
}

export interface Context {
  db: Db;
  user: SessionUser | null;
  ip: string;
}

export type Access = { kind: "public" } | { kind: "signed-in" } | { kind: "tenant"; roles: readonly Role[] };

/** Every procedure declares who may call it; the authorization matrix test requires `access`. */
export interface Meta {
  access: Access;
}

export function createContext(opts: { db: Db; user: SessionUser | null; headers?: Headers }): Context {
  return { db: opts.db, user: opts.user, ip: clientIp(opts.headers) };
}


const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error, path }) {
      const data = { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path };
      if (error.code === "INTERNAL_SERVER_ERROR") {
        // The real cause may quote SQL or a stack: it goes to the server log, never to the browser.
        console.error(`[plumbline] trpc ${path ?? "?"} failed:`, error.cause ?? error);
        return { ...shape, message: "Something went wrong on the server. It has been logged.", data };
      }
      // Invalid input reads as "field: message" sentences, not zod's JSON; the fields stay listed for forms.
      const issues = error.code === "BAD_REQUEST" ? zodIssuesOf(error.cause) : undefined;
      if (issues) return { ...shape, message: readableIssues(issues), data: { ...data, fields: issues.map((i) => i.path.map(String).join(".")) } };
      return { ...shape, data };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.meta({ access: { kind: "public" } });

export const protectedProcedure = t.procedure.meta({ access: { kind: "signed-in" } }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

const SECRET_KEY = /password|secret|token/i;

/** A short, non-sensitive summary of the input for the audit log: secrets are redacted, length capped. */
export function summarizeInput(raw: unknown): string {
  const json = JSON.stringify(raw ?? null, (k, v: unknown) => (SECRET_KEY.test(k) ? "[redacted]" : v));
  return json.length > 500 ? `${json.slice(0, 497)}...` : json;
}

const denied = () => new TRPCError({ code: "FORBIDDEN", message: "You do not have access to this." });

/**
 * A procedure for members of the input's tenant holding one of `allowed` roles. Every call is
 * written to the audit log: queries as reads, mutations as changes, refusals as denied. A member
 * behind an information barrier is refused any input naming a workflow outside it, wherever the
 * name sits (server/auth/barrier.ts `workflowNamesIn`); a body that finds the data it was asked about
 * outside the barrier (a rule by id) throws FORBIDDEN, which is audited as denied too.
 */
export function tenantProcedure(allowed: Role | readonly Role[]) {
  const roles = typeof allowed === "string" ? [allowed] : allowed;
  return t.procedure
    .meta({ access: { kind: "tenant", roles } })
    .input(z.object({ tenant: tenantSlug }))
    .use(async ({ ctx, input, type, path, getRawInput, next }) => {
      if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
      const user = ctx.user;
      const raw = await getRawInput();
      const entry = {
        actorId: user.id,
        actorEmail: user.email,
        kind: type === "mutation" ? ("change" as const) : ("read" as const),
        action: path,
        inputSummary: summarizeInput(raw),
        ip: ctx.ip,
      };
      const access = await resolveAccess(ctx.db, user.id, input.tenant);
      const barred = access !== undefined && !insideBarrier(access.workflows, workflowNamesIn(raw));
      if (!access || !roles.includes(access.role) || barred) {
        // Outsiders' probes are logged in the tenant they aimed at, so its admins see them.
        const tenantId = access?.tenant.id ?? (await tenantBySlug(ctx.db, input.tenant))?.tenant_id ?? "";
        await audit(ctx.db, { ...entry, tenantId, result: "denied" });
        throw denied();
      }
      const result = await next({ ctx: { user, tenant: access.tenant, role: access.role, workflows: access.workflows } });
      const outcome = result.ok ? "ok" : result.error.code === "FORBIDDEN" ? "denied" : "error";
      await audit(ctx.db, { ...entry, tenantId: access.tenant.id, result: outcome });
      return result;
    });
}

/**
 * Binds ctx.workflows into SQL: `AND ({allWorkflows:UInt8} = 1 OR workflow IN {workflows:Array(String)})`.
 */
export function workflowScope(workflows: string[] | null): { allWorkflows: number; workflows: string[] } {
  return { allWorkflows: workflows === null ? 1 : 0, workflows: workflows ?? [] };
}
export const WORKFLOW_SCOPE_SQL = "({allWorkflows:UInt8} = 1 OR workflow IN {workflows:Array(String)})";
