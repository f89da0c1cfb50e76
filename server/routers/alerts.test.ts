import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/server/env";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { buildWorld, type World } from "./test-world";

let world: World;
beforeAll(async () => {
  world = await buildWorld(await testDb());
  // Deliveries go to a loopback receiver, which the webhook address check refuses unless allowed.
  process.env.PLUMBLINE_WEBHOOK_ALLOW = "127.0.0.1";
  resetEnvCache();
});

/** A local webhook receiver that keeps what it was sent. */
async function receiver() {
  const got: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push({ body, headers: req.headers });
      res.statusCode = 200;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, close: () => server.close() };
}

describe("alerts through the API", () => {
  it("creates a rule, shows its webhook secret once, and sends a signed test alert", async () => {
    const hook = await receiver();
    try {
      const ops = world.caller("ops", world.a);
      const created = await ops.alerts.create({
        tenant: world.a.slug,
        kind: "stale-source",
        name: "CRM gone stale",
        recipients: [{ kind: "webhook", url: hook.url }],
      });
      const secret = created.spec.recipients[0]?.kind === "webhook" ? created.spec.recipients[0].secret : "";
      expect(secret.length).toBeGreaterThanOrEqual(16);
      const listed = await ops.alerts.list({ tenant: world.a.slug });
      expect(listed.map((r) => r.ruleId)).toContain(created.ruleId);
      expect(JSON.stringify(listed)).not.toContain(secret);

      const attempts = await ops.alerts.test({ tenant: world.a.slug, ruleId: created.ruleId });
      expect(attempts.map((a) => a.status)).toEqual(["delivered"]);
      expect(hook.got).toHaveLength(1);
      const sent = hook.got[0]!;
      const signature = String(sent.headers["x-plumbline-signature"]);
      const expected = createHmac("sha256", secret).update(`${String(sent.headers["x-plumbline-timestamp"])}.${sent.body}`).digest("hex");
      expect(signature).toBe(`v1=${expected}`);
      expect(JSON.parse(sent.body)).toMatchObject({ rule: { name: "CRM gone stale" } });

      const log = await ops.alerts.deliveries({ tenant: world.a.slug, ruleId: created.ruleId });
      expect(log.length).toBeGreaterThanOrEqual(1);
    } finally {
      hook.close();
    }
  });

  it("refuses another tenant's rule and a malformed one with clear errors", async () => {
    const foreign = await world.caller("admin", world.b).alerts.create({ tenant: world.b.slug, kind: "stale-source", name: "b's rule" });
    const admin = world.caller("admin", world.a);
    const err = await admin.alerts.remove({ tenant: world.a.slug, ruleId: foreign.ruleId }).catch((e: unknown) => e);
    expect(err instanceof TRPCError && err.code).toBe("NOT_FOUND");
    const bad = await admin.alerts
      .create({ tenant: world.a.slug, kind: "threshold", name: "x", metric: "exception-rate", op: "gt", value: Number.NaN } as never)
      .catch((e: unknown) => e);
    expect(bad instanceof TRPCError && bad.code).toBe("BAD_REQUEST");
  });

  it("writes rule changes to the audit log under the caller", async () => {
    const ops = world.caller("ops", world.a);
    const created = await ops.alerts.create({ tenant: world.a.slug, kind: "exceptions-past-sla", name: "Queue past SLA" });
    await ops.alerts.setEnabled({ tenant: world.a.slug, ruleId: created.ruleId, enabled: false });
    const rows = await world.db.query(
      "SELECT action, toString(result) AS result FROM audit_log WHERE tenant_id = {t:String} AND actor_id = {u:String} AND input_summary LIKE {rule:String} ORDER BY at",
      { t: world.a.id, u: world.a.users.ops.id, rule: `%${created.ruleId}%` },
      z.object({ action: z.string(), result: z.string() }),
    );
    expect(rows.map((r) => r.action)).toContain("alerts.setEnabled");
    expect(rows.every((r) => r.result === "ok")).toBe(true);
    const creation = await world.db.query(
      "SELECT count() AS n FROM audit_log WHERE tenant_id = {t:String} AND actor_id = {u:String} AND action = 'alerts.create' AND result = 'ok'",
      { t: world.a.id, u: world.a.users.ops.id },
      z.object({ n: z.coerce.number() }),
    );
    expect(creation[0]?.n).toBeGreaterThanOrEqual(2);
  });
});
