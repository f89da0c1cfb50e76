import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { run } from "@/metrics/testing";
import { episodeIdFor, writeEpisode } from "../alerts/episodes";
import { createRule } from "../alerts/rules";
import { appRouter } from "../root";
import type { Meta } from "../trpc";
import { type Declared, policy, type Seeds } from "./authorization-policy";
import { placeWorkflow, procedurePlaces, type WorkflowPlace } from "./matrix-inputs";
import { barredPrincipals, buildWorld, principals, type Principal, roleOf, type TestTenant, type World } from "./test-world";

/**
 * The generated authorization matrix (issue 24 acceptance): every tRPC procedure of the app router ×
 * every principal (each role, each non-admin role behind a barrier, an outsider, nobody) × own and
 * other tenant × every place its input schema accepts a workflow name (nested included), plus barred
 * data named by id. Expected outcomes come from authorization-policy.ts; route handlers are in
 * route-matrix.test.ts.
 */
type Procedure = { _def: { meta?: Meta; inputs: unknown[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
type Expected = "allowed" | "FORBIDDEN" | "UNAUTHORIZED" | "NOT_FOUND";

interface Cell {
  path: string;
  who: Principal;
  own: boolean;
  /** What the input carries: the sample as declared, a barred workflow at a place, or barred data by id. */
  variant: string;
  input: () => Promise<unknown>;
  want: Expected;
}

let world: World;
let seeds: Seeds;

async function seed(w: World): Promise<Seeds> {
  const exceptionRun: Record<string, string> = {};
  for (const t of [w.a, w.b]) {
    const r = run(t.id, { workflow: t.workflows[1], outcome: "exception", exception_reason: "matrix", at: new Date(Date.now() - 3_600_000) });
    await commitBatch(w.db, { runs: [r] });
    exceptionRun[t.id] = r.run_id;
  }
  const barredRule = async (t: TestTenant) => {
    const actor = { tenantId: t.id, actorId: t.users.admin.id };
    const spec = { kind: "threshold", name: "matrix barred", metric: "exception-rate", op: "gt", value: 0.5, workflow: t.workflows[1] };
    const { ruleId } = await createRule(w.db, actor, { ...spec, recipients: [{ kind: "email", to: "matrix@firm.test" }] });
    const episodeId = episodeIdFor(t.id, ruleId, t.workflows[1], 1);
    const now = new Date();
    await writeEpisode(w.db, { tenantId: t.id, ruleId, subject: t.workflows[1], episodeId, seq: 1, state: "open", severity: "warning", openedAt: now, resolvedAt: null, openValue: 0.9, lastValue: 0.9, summary: `Exception rate is 90% for ${t.workflows[1]}`, resolveReason: "" }, now, "matrix");
    await w.db.insert("alert_deliveries", [{ tenant_id: t.id, delivery_id: ruleId, attempt: 1, rule_id: ruleId, episode_id: episodeId, event: "fire", channel: "email", target: `${t.workflows[1]}@firm.test`, status: "sent" }]);
    return ruleId;
  };
  // One barred rule with history and a delivery exists before any cell runs, for the list/history cells.
  await barredRule(w.a);
  return { barredRule, exceptionRun };
}

beforeAll(async () => {
  world = await buildWorld(await testDb());
  seeds = await seed(world);
});

const isBarred = (who: Principal) => (barredPrincipals as readonly string[]).includes(who);

/** The declared outcome: signed out, then tenant, then role, then barrier. */
function expected(d: Declared, who: Principal, own: boolean, barredData: Expected | "none"): Expected {
  if (who === "anonymous") return "UNAUTHORIZED";
  if (d.roles === "signed-in") return "allowed";
  const role = roleOf[who];
  if (!own || !role || !d.roles.includes(role)) return "FORBIDDEN";
  return isBarred(who) && barredData !== "none" ? barredData : "allowed";
}

function cellsOf(path: string, d: Declared, places: WorkflowPlace[]): Cell[] {
  const cells: Cell[] = [];
  for (const who of principals) {
    for (const own of [true, false]) {
      const t = own ? world.a : world.b;
      const base = { path, who, own };
      cells.push({ ...base, variant: "sample", input: async () => d.sample(t), want: expected(d, who, own, d.firmWide ? "FORBIDDEN" : "none") });
      for (const place of places) {
        const input = async () => placeWorkflow(d.sample(t), place, t.workflows[1]);
        cells.push({ ...base, variant: `barred workflow at ${place.path.join(".")}`, input, want: expected(d, who, own, "FORBIDDEN") });
      }
      if (isBarred(who) && d.roles !== "signed-in") {
        // A field the schema does not know (zod drops it) still names a workflow: the middleware refuses it.
        const input = async () => ({ ...(d.sample(t) as object), extra: [{ filter: { workflow: t.workflows[1] } }] });
        cells.push({ ...base, variant: "barred workflow in an unknown nested field", input, want: expected(d, who, own, "FORBIDDEN") });
      }
      if (d.byId) {
        const byId = d.byId;
        cells.push({ ...base, variant: "barred data by id", input: () => byId.input(t, seeds), want: expected(d, who, own, byId.barred) });
      }
    }
  }
  return cells;
}

async function call(who: Principal, path: string, input: unknown): Promise<unknown> {
  let target: unknown = world.caller(who, world.a);
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (i: unknown) => Promise<unknown>)(input);
}

/** The outcome as the matrix compares it, and what a barred member's allowed call leaked. */
async function run1(cell: Cell): Promise<string[]> {
  const at = `${cell.path} as ${cell.who} in ${cell.own ? "own" : "other"} tenant, ${cell.variant}`;
  let got: Expected;
  let answer: unknown;
  try {
    answer = await call(cell.who, cell.path, await cell.input());
    got = "allowed";
  } catch (err) {
    if (!(err instanceof TRPCError) || err.code === "INTERNAL_SERVER_ERROR" || err.code === "BAD_REQUEST") throw new Error(`${at}: ${String(err)}`);
    // A made-up id's NOT_FOUND (or a PRECONDITION_FAILED) comes from the body: access passed.
    got = err.code === "FORBIDDEN" || err.code === "UNAUTHORIZED" || (err.code === "NOT_FOUND" && cell.want === "NOT_FOUND") ? err.code : "allowed";
  }
  const problems = got === cell.want ? [] : [`${at}: ${got}, expected ${cell.want}`];
  const barredName = world.a.workflows[1];
  if (got === "allowed" && isBarred(cell.who) && cell.own && JSON.stringify(answer ?? null).includes(barredName)) {
    problems.push(`${at}: the answer names the barred workflow ${barredName}`);
  }
  return problems;
}

const allCells = () => procedures.flatMap(([path, p]) => cellsOf(path, policy[path] ?? { roles: [], sample: () => undefined }, procedurePlaces(p._def.inputs)));

describe("the authorization matrix", () => {
  it("covers every procedure, and every procedure declares who may call it", () => {
    expect(procedures.map(([path]) => path).sort()).toEqual(Object.keys(policy).sort());
    for (const [path, p] of procedures) {
      const access = p._def.meta?.access;
      expect(access, `${path} has no access metadata`).toBeDefined();
      const roles = policy[path]?.roles;
      if (roles === "signed-in") expect(access, path).toEqual({ kind: "signed-in" });
      else expect(access?.kind === "tenant" ? [...access.roles].sort() : access, path).toEqual([...(roles ?? [])].sort());
    }
  });

  it("finds the workflow places of nested inputs (so a barred name is tried there)", () => {
    const places = (path: string) => procedurePlaces(procedures.find(([p]) => p === path)?.[1]._def.inputs ?? []).map((pl) => pl.path.join("."));
    expect(places("alerts.update")).toEqual(["rule.workflow"]);
    expect(places("alerts.create")).toEqual(["workflow"]);
    expect(places("groups.save")).toEqual(["workflows"]);
  });

  it("gives every cell its declared outcome, and a barred member's answers never name a barred workflow", async () => {
    const cells = allCells();
    const problems: string[] = [];
    for (const [path] of procedures) {
      // One procedure at a time; its cells concurrently (they touch different rows).
      const mine = cells.filter((c) => c.path === path);
      for (const p of await Promise.all(mine.map(run1))) problems.push(...p);
    }
    console.log(`[matrix] ${procedures.length} procedures × ${principals.length} principals × 2 tenants: ${cells.length} cells`);
    expect(problems).toEqual([]);
  }, 900_000);

  it("writes every tenant-procedure call of the matrix to the audit log with the caller and the tenant asked", async () => {
    const rows = await world.db.query(
      `SELECT action, actor_id, actor_email, toString(result) AS result, tenant_id FROM audit_log
       WHERE tenant_id IN ({a:String}, {b:String}) AND actor_id IN {actors:Array(String)}`,
      { a: world.a.id, b: world.b.id, actors: Object.values(world.a.users).map((u) => u.id) },
      z.object({ action: z.string(), actor_id: z.string(), actor_email: z.string(), result: z.string(), tenant_id: z.string() }),
    );
    const missing: string[] = [];
    for (const [path] of procedures) {
      const roles = policy[path]?.roles;
      if (roles === "signed-in" || !roles) continue;
      for (const who of principals) {
        const role = roleOf[who];
        if (!role) continue;
        const user = world.a.users[who as keyof TestTenant["users"]];
        const d = policy[path];
        const own = d && expected(d, who, true, d.firmWide ? "FORBIDDEN" : "none") === "allowed" ? "ok" : "denied";
        for (const [tenant, result] of [[world.a.id, own], [world.b.id, "denied"]]) {
          const found = rows.some((r) => r.action === path && r.actor_id === user.id && r.actor_email === user.email && r.tenant_id === tenant && (r.result === result || (result === "ok" && r.result === "error")));
          if (!found) missing.push(`${path} by ${who} in ${tenant === world.a.id ? "own" : "other"} tenant as ${result}`);
        }
        // Every barred placement a barred member tried is audited as denied in their own tenant.
        if (isBarred(who) && roles.includes(role) && !rows.some((r) => r.action === path && r.actor_id === user.id && r.tenant_id === world.a.id && r.result === "denied")) {
          if (d?.firmWide || d?.byId?.barred === "FORBIDDEN" || procedurePlaces(procedures.find(([p]) => p === path)?.[1]._def.inputs ?? []).length > 0) {
            missing.push(`${path} by ${who}: no denied row for the barred call`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
