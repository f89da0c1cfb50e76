import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { toCsv, type CsvValue } from "@/app/components/csv";
import { serverCaller } from "@/app/trpc/server";
import { audit } from "@/server/audit";
import { currentUser } from "@/server/auth/auth";
import { clientIp } from "@/server/auth/client-ip";
import { checkReadOrigin, csrfRefusal } from "@/server/csrf";
import { db } from "@/server/db";
import { windowInput } from "@/server/routers/metric-window";
import { tenantBySlug } from "@/server/tenants";
import { evidenceSummary } from "./evidence-summary";

const FILES = ["summary.html", "metrics.json", "violations.csv", "denials.csv", "exceptions.csv"] as const;
const query = windowInput.extend({ tenant: z.string().min(1).max(100), file: z.enum(FILES).default("summary.html") });

const download = (body: string, type: string, name: string) =>
  new Response(body, { headers: { "content-type": type, "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" } });

/**
 * The download itself, as one audit event: the reads behind it are audited one by one, but an
 * auditor asks "who took evidence out, for which period", which those rows do not say.
 */
async function auditDownload(req: Request, slug: string, summary: string): Promise<void> {
  const [user, store] = await Promise.all([currentUser(), db()]);
  const tenant = await tenantBySlug(store, slug);
  if (!user || !tenant) return;
  await audit(store, { tenantId: tenant.tenant_id, actorId: user.id, actorEmail: user.email, kind: "read", action: "evidence.download", inputSummary: summary, result: "ok", ip: clientIp(req.headers) });
}

/**
 * The evidence pack for a period: a printable summary page and the CSV/JSON files behind it, read
 * through the same audited procedures as the dashboard (so the same roles and barriers apply).
 */
export async function GET(req: Request): Promise<Response> {
  // Every download is audited in the user's name: another site must not be able to trigger one.
  const verdict = checkReadOrigin(req.headers);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  const url = new URL(req.url);
  const parsed = query.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return new Response("Bad request: tenant is required; from/to are YYYY-MM-DD.\n", { status: 400 });
  const { file, ...scope } = parsed.data;
  try {
    const caller = await serverCaller();
    // Every file is complete (no row limit), and the queue and compliance read the same scopeOf window.
    const compliance = await caller.compliance.summary({ ...scope, complete: true });
    const base = `${scope.tenant}-${compliance.metric.window.from}-${compliance.metric.window.to}`;
    await auditDownload(req, scope.tenant, `file=${file} from=${compliance.metric.window.from} to=${compliance.metric.window.to}${scope.workflow ? ` workflow=${scope.workflow}` : ""}`);
    const exceptions = await caller.exceptions.list({ ...scope, states: ["new", "acknowledged", "assigned", "resolved"], complete: true });
    const files: Record<Exclude<(typeof FILES)[number], "summary.html" | "metrics.json">, Record<string, CsvValue>[]> = {
      "violations.csv": compliance.violations,
      "denials.csv": compliance.denials,
      "exceptions.csv": exceptions.map(({ workflow, run_id, reason, opened_at, resolved_at, sla_minutes, age_minutes, sla_left_minutes, state, assignee, last_note, actions }) => ({ workflow, run_id, reason, opened_at, resolved_at, sla_minutes, age_minutes, sla_left_minutes, state, assignee, last_note, actions })),
    };
    if (file !== "summary.html" && file !== "metrics.json") return download(toCsv(files[file]), "text/csv; charset=utf-8", `${base}-${file}`);
    const overview = await caller.overview.summary(scope);
    const milestones = await caller.overview.milestones(scope);
    const controls = await Promise.all(milestones.workflows.map(async (w) => ({ workflow: w.workflow, result: await caller.workflowDetail.control({ ...scope, workflow: w.workflow }) })));
    if (file === "metrics.json") {
      return download(JSON.stringify({ compliance: compliance.metric, ...overview, milestones, controls }, null, 2), "application/json", `${base}-metrics.json`);
    }
    const link = (name: string) => {
      const q = new URLSearchParams(url.searchParams);
      q.set("file", name);
      return `?${q.toString()}`;
    };
    const html = evidenceSummary({
      tenant: scope.tenant,
      generatedAt: new Date().toISOString(),
      generatedBy: (await currentUser())?.email ?? "",
      window: compliance.metric.window,
      workflow: scope.workflow,
      compliance: compliance.metric,
      labor: overview.labor,
      milestones,
      controls,
      files: [
        { name: "metrics.json", href: link("metrics.json"), rows: 1 },
        ...Object.entries(files).map(([name, rows]) => ({ name, href: link(name), rows: rows.length })),
      ],
    });
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") return new Response(`${err.message}\n`, { status: getHTTPStatusCodeFromError(err) });
    console.error("[plumbline] evidence pack failed:", err);
    return new Response("Something went wrong on the server. It has been logged.\n", { status: 500 });
  }
}
