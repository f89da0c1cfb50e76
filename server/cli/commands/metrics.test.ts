import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { createTenant } from "@/server/tenants";
import { run } from "@/metrics/testing";
import { execute, resolve } from "../run";

async function cli(argv: string[]) {
  const inv = resolve(argv);
  if ("help" in inv) throw new Error(inv.help);
  const db = await testDb();
  return execute(inv, { db, actor: "tester", cwd: process.cwd(), progress: () => {}, remote: false });
}

describe("plumbline metrics", () => {
  it("prints cycle time with n, p50, p90 and mean per phase, as the API returns it", async () => {
    const slug = `m${freshTenant().slice(2, 12)}`;
    const tenant = await createTenant(await testDb(), { slug });
    await commitBatch(await testDb(), { runs: [run(tenant.tenant_id, { hours: 2 }), run(tenant.tenant_id, { hours: 4 })] });
    const { result, text } = await cli(["metrics", "cycle-time", "--tenant", slug, "--workflow", "intake", "--json"]);
    expect(result).toMatchObject({ key: "cycle-time", status: "insufficient_data", live: { n: 2, p50_hours: 3, p90_hours: 3.8, mean_hours: 3 }, baseline: { n: 0 } });
    expect(text).toMatch(/insufficient data/);
  });

  it("rejects an unknown metric key and a missing tenant as usage errors", async () => {
    await expect(cli(["metrics", "speed", "--tenant", "x"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(["metrics", "cycle-time"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(["metrics", "cycle-time", "--tenant", "no-such-tenant"])).rejects.toMatchObject({ exitCode: 1 });
  });
});
