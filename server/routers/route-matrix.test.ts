import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { run } from "@/metrics/testing";
import type { Role } from "../auth/roles";
import { policy } from "./authorization-policy";
import { barredPrincipals, buildWorld, principals, type Principal, roleOf, type TestTenant, type World } from "./test-world";

/**
 * The route handlers under app/api in the authorization matrix (issue 24 acceptance): every handler
 * found on disk must be declared here with its access, and is called directly with a Request as each
 * principal × own and other tenant × with and without a barred workflow where it accepts one. The
 * session is the mocked `currentUser`, as the other route tests do; the store is the real embedded one.
 */
const state = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/server/auth/auth", () => ({
  currentUser: async () => state.user,
  // Auth.js's own endpoints are declared, not called here (server/auth tests cover sign-in).
  handlers: { GET: async () => new Response(null, { status: 400 }), POST: async () => new Response(null, { status: 400 }) },
}));
vi.mock("@/server/db", () => ({ db: testDb }));
vi.mock("@/app/trpc/server", async () => {
  const { createCaller } = await import("@/server/root");
  const { createContext } = await import("@/server/trpc");
  return { serverCaller: async () => createCaller(createContext({ db: await testDb(), user: state.user })) };
});

type Access = readonly Role[] | "public" | "auth.js";
interface RouteDecl {
  access: Access;
  /** A request aimed at tenant `t`; `workflow`, when given, goes where the route accepts a workflow. */
  request?: (t: TestTenant, workflow?: string) => Request;
  acceptsWorkflow?: true;
}

const url = (path: string, params: Record<string, string | undefined>) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return `http://localhost/api/${path}?${q.toString()}`;
};

function importForm(t: TestTenant, workflow?: string): Request {
  const form = new FormData();
  form.set("tenant", t.slug);
  form.set("workflow", workflow ?? t.workflows[0]);
  form.set("mode", "preview");
  form.set("file", new File(["case,activity,timestamp\nA,x,2025-03-12 09:00\n"], "matrix.csv", { type: "text/csv" }));
  return new Request("http://localhost/api/baseline/import", { method: "POST", body: form });
}

function businessForm(t: TestTenant): Request {
  const form = new FormData();
  form.set("tenant", t.slug);
  form.set("mode", "preview");
  form.set("file", new File(["period,measure,value\n2025-03,compliance.audits,1\n"], "matrix.csv", { type: "text/csv" }));
  return new Request("http://localhost/api/business/import", { method: "POST", body: form });
}

const byName = policy["workflows.byName"]?.roles;
const routes: Record<string, RouteDecl> = {
  "audit/export": { access: ["admin"], request: (t) => new Request(url("audit/export", { tenant: t.slug })) },
  "auth/[...nextauth]": { access: "auth.js" },
  "baseline/import": { access: ["admin"], request: importForm, acceptsWorkflow: true },
  "business/import": { access: ["admin"], request: businessForm },
  evidence: {
    access: ["executive", "ops", "admin"],
    request: (t, workflow) => new Request(url("evidence", { tenant: t.slug, file: "summary.html", workflow })),
    acceptsWorkflow: true,
  },
  health: { access: "public", request: () => new Request("http://localhost/api/health") },
  // The tRPC endpoint: one workflow-bearing query over HTTP; every procedure is in authorization-matrix.test.ts.
  "trpc/[trpc]": {
    access: byName === "signed-in" || !byName ? [] : byName,
    request: (t, workflow) => new Request(url("trpc/workflows.byName", { input: JSON.stringify({ tenant: t.slug, workflow: workflow ?? t.workflows[0] }) })),
    acceptsWorkflow: true,
  },
};

/** Every route.ts under app/api, as its path below app/api. */
function routeFiles(dir = join(process.cwd(), "app/api")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [relative(join(process.cwd(), "app/api"), dir)] : [];
  });
}

type Handler = (req: Request) => Promise<Response>;
async function handlerOf(route: string, method: string): Promise<Handler> {
  // The path comes from the directory walk, so a new handler is loaded without being listed in code.
  const mod = (await import(/* @vite-ignore */ join(process.cwd(), "app/api", route, "route.ts"))) as Record<string, Handler>;
  const h = mod[method];
  if (!h) throw new Error(`${route} has no ${method}`);
  return h;
}

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
  // An open exception in the barred workflow: what an unscoped evidence file would list.
  const [, billing] = world.a.workflows;
  await commitBatch(world.db, { runs: [run(world.a.id, { workflow: billing, outcome: "exception", exception_reason: "matrix", at: new Date(Date.now() - 3_600_000) })] });
});

const isBarred = (who: Principal) => (barredPrincipals as readonly string[]).includes(who);

/** The declared status class: 401 signed out, 403 refused, 2xx served. */
function expected(access: Access, who: Principal, own: boolean, barredWorkflow: boolean): 200 | 401 | 403 {
  if (access === "public") return 200;
  if (who === "anonymous") return 401;
  const role = roleOf[who];
  if (!own || !role || !(access as readonly Role[]).includes(role)) return 403;
  return isBarred(who) && barredWorkflow ? 403 : 200;
}

describe("the route handlers in the authorization matrix", () => {
  it("declares every route handler under app/api", () => {
    expect(routeFiles().sort()).toEqual(Object.keys(routes).sort());
  });

  it("gives every principal, tenant and workflow its declared answer, and never a barred workflow's data", async () => {
    const problems: string[] = [];
    let cells = 0;
    for (const [route, decl] of Object.entries(routes)) {
      if (!decl.request || decl.access === "auth.js") continue;
      const method = decl.request(world.a).method;
      const handler = await handlerOf(route, method);
      for (const who of principals) {
        for (const own of [true, false]) {
          for (const barred of decl.acceptsWorkflow ? [false, true] : [false]) {
            const t = own ? world.a : world.b;
            state.user = who === "anonymous" ? null : who === "outsider" ? world.outsider : world.a.users[who];
            // Handlers read the session through the mocked currentUser: cells run one at a time.
            const res = await handler(decl.request(t, barred ? t.workflows[1] : undefined));
            cells++;
            const want = expected(decl.access, who, own, barred);
            const got = res.status >= 200 && res.status < 300 ? 200 : res.status;
            const body = await res.text();
            const at = `${method} /api/${route} as ${who} in ${own ? "own" : "other"} tenant${barred ? " naming a barred workflow" : ""}`;
            if (got !== want && !(decl.access === "public" && got === 503)) problems.push(`${at}: ${res.status}, expected ${want}`);
            if (got === 200 && isBarred(who) && body.includes(world.a.workflows[1])) problems.push(`${at}: the answer names the barred workflow`);
            if (got !== 200 && (body.includes(world.a.workflows[0]) || body.includes(world.b.workflows[0]))) problems.push(`${at}: a refusal names tenant data`);
          }
        }
      }
    }
    console.log(`[route matrix] ${Object.keys(routes).length} route handlers, ${cells} cells`);
    expect(problems).toEqual([]);
  }, 600_000);

  it("serves a barred member every evidence file without the barred workflow in it", async () => {
    const handler = await handlerOf("evidence", "GET");
    const files = ["summary.html", "metrics.json", "violations.csv", "denials.csv", "exceptions.csv"];
    const leaks: string[] = [];
    for (const who of barredPrincipals.filter((p) => roleOf[p] !== "engineer")) {
      state.user = world.a.users[who];
      for (const file of files) {
        const res = await handler(new Request(url("evidence", { tenant: world.a.slug, file })));
        expect(res.status, `${file} as ${who}`).toBe(200);
        if ((await res.text()).includes(world.a.workflows[1])) leaks.push(`${file} as ${who}`);
      }
    }
    state.user = world.a.users.admin;
    const all = await handler(new Request(url("evidence", { tenant: world.a.slug, file: "exceptions.csv" })));
    expect(await all.text(), "the admin's file lists the barred workflow's exception").toContain(world.a.workflows[1]);
    expect(leaks).toEqual([]);
  }, 300_000);
});
