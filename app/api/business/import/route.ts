import { z } from "zod";
import { MonthlyFileError } from "@/ingest/business/monthly-csv";
import { audit } from "@/server/audit";
import { resolveAccess } from "@/server/auth/access";
import { currentUser } from "@/server/auth/auth";
import { clientIp } from "@/server/auth/client-ip";
import { auditedMonthlyImport } from "@/server/business/business-figures";
import { checkMutationOrigin, csrfRefusal } from "@/server/csrf";
import { db } from "@/server/db";
import { tenantBySlug } from "@/server/tenants";

/** Monthly figures are months × measures: a few MB at most. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const form = z.object({ tenant: z.string().min(1).max(100), mode: z.enum(["preview", "commit"]) });

const text = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * Settings → Business figures: multipart upload (tenant, mode, file) of the monthly CSV
 * (docs/conventions.md, "Monthly import"). `preview` stores nothing; `commit` imports through the same
 * audited function as `plumbline business import`. Admins only; both answer the summary as JSON.
 */
export async function POST(req: Request): Promise<Response> {
  const verdict = checkMutationOrigin(req.headers);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  const user = await currentUser();
  if (!user) return text(401, "Sign in first.");
  if (Number(req.headers.get("content-length") ?? 0) > MAX_UPLOAD_BYTES) return text(413, "File too large: monthly figures fit in 20 MB; use `plumbline business import` on the server.");
  let data: FormData;
  try {
    data = await req.formData();
  } catch {
    return text(400, "Expected a multipart form.");
  }
  const fields = form.safeParse(Object.fromEntries([...data.entries()].filter(([, v]) => typeof v === "string")));
  const file = data.get("file");
  if (!fields.success || !(file instanceof File)) return text(400, "Expected tenant, mode (preview or commit) and a CSV file.");
  const store = await db();
  const access = await resolveAccess(store, user.id, fields.data.tenant);
  const entry = { actorId: user.id, actorEmail: user.email, ip: clientIp(req.headers), inputSummary: `file=${file.name.slice(0, 200)}` };
  if (!access || access.role !== "admin") {
    const tenantId = access?.tenant.id ?? (await tenantBySlug(store, fields.data.tenant))?.tenant_id ?? "";
    await audit(store, { ...entry, tenantId, kind: "change", action: `business.${fields.data.mode}`, result: "denied" });
    return text(403, "You do not have access to this.");
  }
  if (file.size > MAX_UPLOAD_BYTES) return text(413, "File too large: monthly figures fit in 20 MB.");
  try {
    const summary = await auditedMonthlyImport(
      store,
      { tenantId: access.tenant.id, fileName: file.name, text: await file.text(), actor: user.id, dryRun: fields.data.mode === "preview" },
      { actorEmail: user.email, ip: entry.ip },
    );
    return Response.json(summary);
  } catch (err) {
    if (err instanceof MonthlyFileError) return text(422, err.message);
    throw err;
  }
}
