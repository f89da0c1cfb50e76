import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatter } from "@/app/components/format";
import type { MilestonesResult } from "@/metrics/registry";
import type { Overview } from "@/server/routers/overview";
import { demoSessions, E2E_PASSWORD as PASSWORD, E2E_TENANT as TENANT, e2eEmail as emailOf, SHOTS } from "./world";

const demo = demoSessions();
const session = demo.session;
const open = demo.open;
const server = { get url() { return demo.world.url; } };

/** The same query through the HTTP tRPC API, as the browser's session. */
async function trpc<T>(context: Awaited<ReturnType<typeof session>>, procedure: string, input: unknown): Promise<T> {
  const res = await context.request.get(`${server.url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.status(), `${procedure} answered ${res.status()}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

const tileValue = (page: Page, id: string) => page.getAttribute(`[data-testid="${id}"] [data-value]`, "data-value");

describe("the dashboards on the demo tenant", { timeout: 240_000 }, () => {
  it("shows the executive the metrics engine's own overview numbers and milestone statuses", async () => {
    const context = await session("executive");
    const page = await open("executive", `/overview?tenant=${TENANT}`, "overview");
    const o = await trpc<Overview>(context, "overview.summary", { tenant: TENANT });
    const f = formatter("en-US", o.labor.currency);
    const insufficient = (ok: boolean, v: string) => (ok ? v : "insufficient");
    expect(await tileValue(page, "tile-hours")).toBe(insufficient(o.labor.status === "ok", f.hours(o.labor.hours)));
    // Net value the engine cannot know (hourly cost not set, AI cost incomplete) reads "Unknown", never a number.
    expect(await tileValue(page, "tile-net")).toBe(insufficient(o.labor.status === "ok", o.labor.net_value === null ? "Unknown" : f.money(o.labor.net_value)));
    expect(await tileValue(page, "tile-compression")).toBe(insufficient(o.cycle.status === "ok", f.percent(o.cycle.compression)));
    expect(await tileValue(page, "tile-exception-rate")).toBe(insufficient(o.exceptions.status === "ok", f.percent(o.exceptions.live.exception_rate)));
    const milestones = await trpc<MilestonesResult>(context, "overview.milestones", { tenant: TENANT });
    expect(milestones.workflows.length).toBeGreaterThan(0);
    for (const w of milestones.workflows) {
      for (const c of w.checkpoints) {
        await expect(page.getAttribute(`[data-testid="checkpoint-${w.workflow}-${c.days}"]`, "data-status")).resolves.toBe(c.status);
      }
    }
    await page.close();
  });

  it("lets an admin create an ingest key in Settings that OTLP accepts, shown once, and revoke it", async () => {
    const page = await open("admin", `/settings?tenant=${TENANT}`, "settings-keys");
    await page.fill('input[name="ingest-key-name"]', "e2e collector");
    await page.click('button:has-text("Create key")');
    const secret = (await page.locator('[data-testid="new-ingest-key"]').textContent()) ?? "";
    expect(secret).toMatch(/^plk_/);
    const send = async () =>
      (await fetch(`${server.url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${secret}` }, body: JSON.stringify({ resourceSpans: [] }) })).status;
    expect(await send()).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await page.click('button[aria-label="Revoke e2e collector"]');
    await page.waitForSelector('[data-testid="ingest-keys"] tr:has-text("e2e collector"):has-text("revoked")');
    // Revocation is effective within seconds (key checks are cached briefly).
    let status = await send();
    for (let i = 0; i < 20 && status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = await send();
    }
    expect(status).toBe(401);
    await page.close();
  });

  it("lets an admin add a member and bar them to one workflow group, which then limits what they see", async () => {
    const admin = await session("admin");
    const page = await open("admin", `/settings?tenant=${TENANT}`, "settings-people");
    await page.fill('input[name="group-name"]', "Intake desk");
    await page.check('fieldset label:has-text("client-intake") input');
    await page.click('button:has-text("Create group")');
    await page.waitForSelector('[data-testid="groups"] li:has-text("Intake desk")');
    const email = "barred.ops@dashboards.test";
    await page.fill('input[name="member-email"]', email);
    await page.selectOption('select[name="member-role"]', "ops");
    await page.fill('input[name="member-password"]', PASSWORD);
    await page.click('button:has-text("Add member")');
    const row = page.locator(`[data-testid="member-${email}"]`);
    await row.waitFor();
    await row.locator('label:has-text("Intake desk") input').check();
    await row.locator('button:has-text("Save")').click();
    const member = async () => (await trpc<{ email: string; role: string; groups: string[] }[]>(admin, "users.list", { tenant: TENANT })).find((m) => m.email === email);
    await expect.poll(async () => (await member())?.groups.length, { timeout: 30_000 }).toBe(1);
    expect(await member()).toMatchObject({ role: "ops" });
    await page.close();

    const barred = await demo.browser().newContext();
    const signIn = await barred.newPage();
    await signIn.goto(`${server.url}/sign-in`);
    await signIn.fill('input[name="email"]', email);
    await signIn.fill('input[name="password"]', PASSWORD);
    await Promise.all([signIn.waitForURL((u) => !u.pathname.startsWith("/sign-in")), signIn.click('button:has-text("Sign in")')]);
    const visible = await trpc<{ workflow: string }[]>(barred, "workflows.list", { tenant: TENANT });
    expect(visible.map((w) => w.workflow)).toEqual(["client-intake"]);
    await barred.close();
  });

  it("keeps the executive out of Settings and off the exception queue's actions", async () => {
    const context = await session("executive");
    const settings = await open("executive", `/settings?tenant=${TENANT}`, "settings");
    expect(await settings.locator('[data-testid="forbidden"]').count()).toBe(1);
    await settings.close();
    const queue = await open("executive", `/exceptions?tenant=${TENANT}`, "exceptions");
    expect(await queue.locator('[data-testid="exception-queue"] tbody tr').count()).toBeGreaterThan(0);
    expect(await queue.locator('button:has-text("Acknowledge")').count()).toBe(0);
    await queue.close();
    const [item] = await trpc<{ run_id: string }[]>(context, "exceptions.list", { tenant: TENANT });
    const res = await context.request.post(`${server.url}/api/trpc/exceptions.acknowledge`, { data: { tenant: TENANT, runId: item!.run_id } });
    expect(res.status()).toBe(403);
  });

  it("lets ops acknowledge and resolve an exception, which leaves the queue and is written to the audit log", async () => {
    const page = await open("ops", `/exceptions?tenant=${TENANT}&state=new`, "exceptions");
    const row = page.locator('[data-testid="exception-queue"] tbody tr').first();
    const runId = (await row.getAttribute("data-run"))!;
    const byRun = page.locator(`tr[data-run="${runId}"]`);
    await Promise.all([page.waitForResponse((r) => r.url().includes("exceptions.acknowledge") && r.ok()), byRun.locator('button:has-text("Acknowledge")').click()]);
    // The "new" view re-reads after the action: the acknowledged exception leaves it.
    await page.waitForSelector(`tr[data-run="${runId}"]`, { state: "detached" });
    await page.goto(`${server.url}/exceptions?tenant=${TENANT}`);
    expect(await page.getAttribute(`tr[data-run="${runId}"]`, "data-state")).toBe("acknowledged");
    await page.locator(`tr[data-run="${runId}"] button:has-text("Resolve")`).click();
    await page.fill(`#input-${runId}`, "Document received from client");
    await page.locator(`tr[data-run="${runId}"] button[type="submit"]`).click();
    await page.waitForSelector(`tr[data-run="${runId}"]`, { state: "detached" });
    await page.screenshot({ path: path.join(SHOTS, "exceptions-after-resolve-ops.png"), fullPage: true });
    await page.close();

    const ops = await session("ops");
    const resolved = await trpc<{ run_id: string; state: string; last_note: string }[]>(ops, "exceptions.list", { tenant: TENANT, states: ["resolved"] });
    expect(resolved.find((r) => r.run_id === runId)).toMatchObject({ state: "resolved", last_note: "Document received from client" });
    const history = await trpc<{ action: string; actor_email: string }[]>(ops, "exceptions.history", { tenant: TENANT, runId });
    expect(history.map((h) => h.action)).toEqual(["acknowledge", "resolve"]);
    const audit = await trpc<{ action: string; actor_email: string; input_summary: string; result: string }[]>(await session("admin"), "audit.list", { tenant: TENANT, limit: 200 });
    for (const action of ["exceptions.acknowledge", "exceptions.resolve"]) {
      expect(audit.some((a) => a.action === action && a.actor_email === emailOf("ops") && a.input_summary.includes(runId) && a.result === "ok"), action).toBe(true);
    }
  });

  it("shows the workflows, sources and compliance pages with the numbers their procedures return", async () => {
    const context = await session("ops");
    const list = await open("ops", `/workflows?tenant=${TENANT}`, "workflows");
    const wf = await trpc<{ rows: { workflow: string; cycle: { live: { n: number } } }[] }>(context, "workflowDetail.list", { tenant: TENANT });
    const f = formatter("en-US");
    for (const r of wf.rows) {
      await expect(list.textContent(`tr[data-workflow="${r.workflow}"] [data-field="live-runs"]`)).resolves.toBe(f.number(r.cycle.live.n));
    }
    await list.close();
    const first = wf.rows[0]!.workflow;
    const detail = await open("ops", `/workflows/${encodeURIComponent(first)}?tenant=${TENANT}`, "workflow-detail");
    const d = await trpc<{ exceptions: { status: string; live: { exception_rate: number | null } } }>(context, "workflowDetail.byName", { tenant: TENANT, workflow: first });
    expect(await tileValue(detail, "tile-exception-rate")).toBe(d.exceptions.status === "ok" ? f.percent(d.exceptions.live.exception_rate) : "insufficient");
    await detail.close();

    const sources = await open("engineer", `/sources?tenant=${TENANT}`, "sources");
    const s = await trpc<{ freshness: { sources: unknown[] } }>(await session("engineer"), "sources.list", { tenant: TENANT });
    expect(await sources.locator('[data-testid="source-table"] tbody tr').count()).toBe(s.freshness.sources.length);
    await sources.close();

    const compliance = await open("executive", `/compliance?tenant=${TENANT}`, "compliance");
    const c = await trpc<{ metric: { status: string; audit_coverage: number | null } }>(await session("executive"), "compliance.summary", { tenant: TENANT });
    expect(await tileValue(compliance, "tile-audit-coverage")).toBe(c.metric.status === "ok" ? f.percent(c.metric.audit_coverage) : "insufficient");
    await compliance.close();
  });

  it("exports an evidence pack an auditor can read without Plumbline", async () => {
    const context = await session("executive");
    const summary = await context.request.get(`${server.url}/api/evidence?tenant=${TENANT}`);
    expect(summary.headers()["content-type"]).toContain("text/html");
    const html = await summary.text();
    expect(html).toContain("Evidence pack");
    expect(html).not.toContain("<script");
    const csv = await context.request.get(`${server.url}/api/evidence?tenant=${TENANT}&file=exceptions.csv`);
    expect((await csv.text()).split("\r\n")[0]).toBe("workflow,run_id,reason,opened_at,resolved_at,sla_minutes,age_minutes,sla_left_minutes,state,assignee,last_note,actions");
    const page = await context.newPage();
    await page.setContent(html);
    await page.screenshot({ path: path.join(SHOTS, "evidence-pack-executive.png"), fullPage: true });
    await page.close();
  });

  it("lets an admin preview and commit a baseline upload from Settings", async () => {
    const page = await open("admin", `/settings?tenant=${TENANT}`, "settings");
    await page.fill('form[aria-label="Baseline import"] input[name="workflow"]', "legacy-tickets");
    await page.setInputFiles('form[aria-label="Baseline import"] input[name="file"]', path.resolve(import.meta.dirname, "..", "ingest", "baseline", "fixtures", "cases.csv"));
    await page.click('form[aria-label="Baseline import"] button:has-text("Preview")');
    await page.waitForSelector('[data-testid="baseline-preview"]');
    expect(await page.textContent('[data-testid="baseline-preview"]')).toContain("csv-cases");
    await page.click('button:has-text("Commit import")');
    await page.waitForSelector('[data-testid="baseline-summary"]');
    expect(await page.textContent('[data-testid="baseline-summary"]')).toMatch(/Imported \d+ runs/);
    await page.screenshot({ path: path.join(SHOTS, "settings-baseline-import-admin.png"), fullPage: true });
    await page.close();
    const audit = await trpc<{ action: string; result: string }[]>(await session("admin"), "audit.list", { tenant: TENANT, limit: 50 });
    expect(audit.some((a) => a.action === "baseline.import" && a.result === "ok")).toBe(true);
  });

});
