import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { Rule } from "@/server/alerts/rule";
import { createTenant } from "@/server/tenants";
import type { CommandContext } from "../command";
import { execute, resolve } from "../run";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

async function cli(argv: string[]) {
  const inv = await resolve(argv);
  if ("help" in inv) throw new Error(inv.help);
  const ctx: CommandContext = { db, actor: "tester", cwd: process.cwd(), progress: () => undefined, remote: false };
  return execute(inv, ctx);
}

describe("plumbline alerts", () => {
  it("creates a rule, shows its webhook secret once, lists it redacted and removes it", async () => {
    const slug = `a-${freshTenant().slice(2, 12)}`;
    await createTenant(db, { slug });
    const spec = { kind: "threshold", name: "Spike", metric: "exception-rate", op: "gt", value: 0.15, recipients: [{ kind: "webhook", url: "https://hooks.example/x" }] };
    const created = await cli(["alerts", "create", "--tenant", slug, "--spec", JSON.stringify(spec)]);
    expect(created.text).toMatch(/^Created alert rule [0-9a-f-]{36}: Spike \(exception rate of the firm above 15% over 1 day\)\nWebhook signing secrets .*\n {2}https:\/\/hooks\.example\/x: whsec_\S{32}$/);
    const listed = await cli(["alerts", "list", "--tenant", slug]);
    const [rule] = listed.result as Rule[];
    expect(rule?.spec.recipients[0]).toMatchObject({ secret: expect.stringMatching(/^whsec_.{3}…$/) });
    expect((await cli(["alerts", "history", "--tenant", slug])).text).toBe("No alerts.");
    await new Promise((r) => setTimeout(r, 5));
    const updated = await cli(["alerts", "update", rule?.ruleId ?? "", "--tenant", slug, "--spec", JSON.stringify({ ...spec, value: 0.2 })]);
    expect(updated.text).toBe(`Updated alert rule ${rule?.ruleId}: Spike (exception rate of the firm above 20% over 1 day)`);
    expect((await cli(["alerts", "remove", rule?.ruleId ?? "", "--tenant", slug])).text).toBe(`Removed alert rule ${rule?.ruleId}`);
    expect((await cli(["alerts", "list", "--tenant", slug])).text).toBe("No alert rules.");
  });

  it("explains an invalid rule and an unknown tenant", async () => {
    const slug = `b-${freshTenant().slice(2, 12)}`;
    await createTenant(db, { slug });
    await expect(cli(["alerts", "create", "--tenant", slug, "--spec", '{"kind":"threshold","name":"x"}'])).rejects.toThrow(/^Invalid alert rule: metric: /);
    await expect(cli(["alerts", "list", "--tenant", "no-such-tenant"])).rejects.toThrow('No tenant with slug "no-such-tenant"');
  });
});
