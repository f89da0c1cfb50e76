import type { Db } from "@/clickhouse/client";
import { audit } from "./audit";
import { resolveAccess } from "./auth/access";
import { currentUser } from "./auth/auth";
import { clientIp } from "./auth/client-ip";
import { checkMutationOrigin, csrfRefusal } from "./csrf";
import { db } from "./db";
import { tenantBySlug } from "./tenants";

/** A plain-text answer, as the upload forms show it. */
export const uploadText = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export interface AdminUpload<F> {
  store: Db;
  user: { id: string; email: string };
  tenantId: string;
  fields: F;
  file: File;
  /** Who and from where, for the audit entries the route writes. */
  entry: { actorId: string; actorEmail: string; ip: string; inputSummary: string };
}

/**
 * The gate of every Settings upload (baseline import, business figures), before the file is read:
 * same-origin (CSRF), signed in, within the size limit, a multipart form whose fields parse, and the
 * admin role in the tenant it names — checked like every tRPC procedure (resolveAccess). A refusal
 * for role is audited in the tenant it aimed at, so that tenant's admins see it. Returns the answer to
 * send instead when any check fails.
 */
export async function adminUpload<F extends { tenant: string; mode: string }>(
  req: Request,
  o: {
    maxBytes: number;
    tooLarge: string;
    parse: (data: FormData) => { success: true; data: F } | { success: false };
    expected: string;
    /** The audit action's prefix: `<action>.<mode>`. */
    action: string;
    summary: (fields: F, file: File) => string;
  },
): Promise<AdminUpload<F> | Response> {
  // Before anything is read or written: another site's page must not upload as the signed-in admin.
  const verdict = checkMutationOrigin(req.headers);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  const user = await currentUser();
  if (!user) return uploadText(401, "Sign in first.");
  if (Number(req.headers.get("content-length") ?? 0) > o.maxBytes) return uploadText(413, o.tooLarge);
  let data: FormData;
  try {
    data = await req.formData();
  } catch {
    return uploadText(400, "Expected a multipart form.");
  }
  const fields = o.parse(data);
  const file = data.get("file");
  if (!fields.success || !(file instanceof File)) return uploadText(400, o.expected);
  const store = await db();
  const access = await resolveAccess(store, user.id, fields.data.tenant);
  const entry = { actorId: user.id, actorEmail: user.email, ip: clientIp(req.headers), inputSummary: o.summary(fields.data, file) };
  if (!access || access.role !== "admin") {
    const tenantId = access?.tenant.id ?? (await tenantBySlug(store, fields.data.tenant))?.tenant_id ?? "";
    await audit(store, { ...entry, tenantId, kind: "change", action: `${o.action}.${fields.data.mode}`, result: "denied" });
    return uploadText(403, "You do not have access to this.");
  }
  if (file.size > o.maxBytes) return uploadText(413, o.tooLarge);
  return { store, user, tenantId: access.tenant.id, fields: fields.data, file, entry };
}
